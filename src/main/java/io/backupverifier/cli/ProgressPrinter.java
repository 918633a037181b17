package io.backupverifier.cli;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.report.LogLine;
import io.backupverifier.scan.Bytes;
import io.backupverifier.scan.ScanProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * Shows, on a terminal's stderr, how far long verifications have got: per file bytes, MB/s and
 * ETA, or for a run over several backups ({@link #ofRun}) backups done/total, MB/s and ETA.
 * Quiet for the first two seconds so that quick runs print nothing but their verdicts.
 */
final class ProgressPrinter implements AutoCloseable {

    /** Longer names are cut: a progress line wider than the terminal wraps, and {@code \r} then clears only its last part. */
    static final int MAX_NAME = 40;

    private final ScanProgress progress;
    private final PrintStream err;
    private final ExecutorServiceManager threads;
    private final ScheduledExecutorService ticks;
    private final int totalBackups;
    private final long totalBytes;
    private final AtomicInteger doneBackups = new AtomicInteger();
    private final AtomicLong doneBytes = new AtomicLong();
    /** Backups whose data is being restore-tested (FAILED only on the sidecar or checksum): the wait is shown, not ETA 0:00. */
    private final Set<Path> restoring = ConcurrentHashMap.newKeySet();

    private final long started = System.nanoTime();
    private volatile boolean running = true;
    private boolean printed;

    /** @param threads the command's Camel thread pools: the once-a-second tick runs on one of them */
    ProgressPrinter(ExecutorServiceManager threads, ScanProgress progress, PrintStream err) {
        this(threads, progress, err, 0, 0);
    }

    private ProgressPrinter(
            ExecutorServiceManager threads, ScanProgress progress, PrintStream err, int totalBackups, long totalBytes) {
        this.progress = progress;
        this.err = err;
        this.totalBackups = totalBackups;
        this.totalBytes = totalBytes;
        this.threads = threads;
        this.ticks = threads.newSingleThreadScheduledExecutor(this, "progress");
        ticks.scheduleWithFixedDelay(this::redraw, 1, 1, TimeUnit.SECONDS);
    }

    /** One line for the whole run: {@link #done} counts each backup as it finishes. */
    static ProgressPrinter ofRun(
            ExecutorServiceManager threads, ScanProgress progress, PrintStream err, int totalBackups, long totalBytes) {
        return new ProgressPrinter(threads, progress, err, totalBackups, totalBytes);
    }

    /** A restore test of this backup's data began (the verify route tests a suspect backup). */
    void restoring(Path backup) {
        restoring.add(backup);
    }

    void done(BackupResult r) {
        restoring.remove(r.file());
        doneBackups.incrementAndGet();
        doneBytes.addAndGet(Math.max(0, r.sizeBytes()));
    }

    /** Takes the progress line off the terminal so that a verdict line is printed on a clean line; the next tick redraws it. */
    void clear() {
        synchronized (err) {
            if (printed) {
                err.print("\r\033[K");
                err.flush();
                printed = false;
            }
        }
    }

    /**
     * Draws the progress line now: the ticker does every second, and a run does right after each
     * verdict, so that the line stays under the verdicts instead of vanishing until the next tick.
     */
    void redraw() {
        if (!running) {
            return;
        }
        String line = totalBackups > 0 ? runLine() : filesLine();
        if (!line.isEmpty()) {
            synchronized (err) {
                if (running) {
                    err.print("\r\033[K[PROGRESS] " + line);
                    err.flush();
                    printed = true;
                }
            }
        }
    }

    private String runLine() {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (seconds < 2) {
            return "";
        }
        long bytes = doneBytes.get()
                + progress.running().stream()
                        .mapToLong(ScanProgress.Scan::bytesRead)
                        .sum();
        List<Path> tests = List.copyOf(restoring);
        if (tests.isEmpty() || !progress.running().isEmpty()) {
            String line = runLine(doneBackups.get(), totalBackups, bytes, totalBytes, seconds);
            return tests.isEmpty() ? line : line + ", " + restoring(tests);
        }
        // only restore tests left: a rate and an ETA of bytes read would say 0 MB/s, ETA 0:00
        return String.format(Locale.ROOT, "%d/%d backups, %s", doneBackups.get(), totalBackups, restoring(tests));
    }

    /**
     * Before the application has started (a few seconds): shows at once that the run began, the
     * first progress line or verdict replaces it.
     */
    static void starting(PrintStream err, int totalBackups, long totalBytes) {
        synchronized (err) {
            err.print("\r\033[K[PROGRESS] 0/" + totalBackups + " backups, " + Bytes.human(totalBytes) + ": starting");
            err.flush();
        }
    }

    /** The {@link #starting} line is on the terminal: the first verdict or progress line clears it. */
    ProgressPrinter afterStarting() {
        synchronized (err) {
            printed = true;
        }
        return this;
    }

    /** {@code restore-testing NAME} or {@code restore-testing NAME and 2 more}. */
    static String restoring(List<Path> tests) {
        String name = LogLine.printable(tests.get(0).getFileName().toString());
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME - 3) + "...";
        }
        return "restore-testing " + name + (tests.size() > 1 ? " and " + (tests.size() - 1) + " more" : "");
    }

    /** {@code 12/50 backups, 1.2 GiB of 3.4 GiB, 45.3 MB/s, ETA 1:23}: the whole run's progress. */
    static String runLine(int done, int total, long bytes, long totalBytes, double seconds) {
        double rate = bytes / Math.max(seconds, 0.001);
        long eta = rate > 0 ? (long) (Math.max(0, totalBytes - bytes) / rate) : 0;
        return String.format(
                Locale.ROOT,
                "%d/%d backups, %s of %s, %.1f MB/s, ETA %d:%02d",
                done,
                total,
                Bytes.human(bytes),
                Bytes.human(totalBytes),
                rate / 1e6,
                eta / 60,
                eta % 60);
    }

    private String filesLine() {
        StringBuilder line = new StringBuilder();
        for (ScanProgress.Scan s : progress.running()) {
            if (s.seconds() < 2) {
                continue;
            }
            double rate = s.bytesRead() / Math.max(s.seconds(), 0.001);
            long etaSeconds = rate > 0 ? (long) ((s.size() - s.bytesRead()) / rate) : 0;
            line.append(line.length() > 0 ? "  " : "")
                    .append(String.format(
                            Locale.ROOT,
                            "%s %s/%s %.1f MB/s ETA %d:%02d",
                            LogLine.printable(s.file().getFileName().toString()),
                            Bytes.human(s.bytesRead()),
                            Bytes.human(s.size()),
                            rate / 1e6,
                            etaSeconds / 60,
                            etaSeconds % 60));
        }
        return line.toString();
    }

    @Override
    public void close() {
        synchronized (err) {
            running = false; // a tick under way prints nothing more
        }
        threads.shutdownNow(ticks);
        clear();
    }
}
