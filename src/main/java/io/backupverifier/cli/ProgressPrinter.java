package io.backupverifier.cli;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.report.LogLine;
import io.backupverifier.scan.Bytes;
import io.backupverifier.scan.ScanProgress;
import java.io.PrintStream;
import java.util.Locale;
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

    private final ScanProgress progress;
    private final PrintStream err;
    private final ExecutorServiceManager threads;
    private final ScheduledExecutorService ticks;
    private final int totalBackups;
    private final long totalBytes;
    private final AtomicInteger doneBackups = new AtomicInteger();
    private final AtomicLong doneBytes = new AtomicLong();
    private final long started = System.nanoTime();
    private volatile boolean running = true;
    private boolean printed;

    /** @param threads the command's Camel thread pools: the once-a-second tick runs on one of them */
    ProgressPrinter(ExecutorServiceManager threads, ScanProgress progress, PrintStream err) {
        this(threads, progress, err, 0, 0);
    }

    private ProgressPrinter(ExecutorServiceManager threads, ScanProgress progress, PrintStream err, int totalBackups,
            long totalBytes) {
        this.progress = progress;
        this.err = err;
        this.totalBackups = totalBackups;
        this.totalBytes = totalBytes;
        this.threads = threads;
        this.ticks = threads.newSingleThreadScheduledExecutor(this, "progress");
        ticks.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** One line for the whole run: {@link #done} counts each backup as it finishes. */
    static ProgressPrinter ofRun(ExecutorServiceManager threads, ScanProgress progress, PrintStream err, int totalBackups,
            long totalBytes) {
        return new ProgressPrinter(threads, progress, err, totalBackups, totalBytes);
    }

    void done(BackupResult r) {
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

    private void tick() {
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
        long bytes = doneBytes.get() + progress.running().stream().mapToLong(ScanProgress.Scan::bytesRead).sum();
        return runLine(doneBackups.get(), totalBackups, bytes, totalBytes, seconds);
    }

    /** {@code 12/50 backups, 1.2 GiB of 3.4 GiB, 45.3 MB/s, ETA 1:23}: the whole run's progress. */
    static String runLine(int done, int total, long bytes, long totalBytes, double seconds) {
        double rate = bytes / Math.max(seconds, 0.001);
        long eta = rate > 0 ? (long) (Math.max(0, totalBytes - bytes) / rate) : 0;
        return String.format(Locale.ROOT, "%d/%d backups, %s of %s, %.1f MB/s, ETA %d:%02d", done, total, Bytes.human(bytes),
                Bytes.human(totalBytes), rate / 1e6, eta / 60, eta % 60);
    }

    private String filesLine() {
        StringBuilder line = new StringBuilder();
        for (ScanProgress.Scan s : progress.running()) {
            if (s.seconds() < 2) {
                continue;
            }
            double rate = s.bytesRead() / Math.max(s.seconds(), 0.001);
            long etaSeconds = rate > 0 ? (long) ((s.size() - s.bytesRead()) / rate) : 0;
            line.append(line.length() > 0 ? "  " : "").append(String.format(Locale.ROOT,
                    "%s %s/%s %.1f MB/s ETA %d:%02d", LogLine.printable(s.file().getFileName().toString()), Bytes.human(s.bytesRead()),
                    Bytes.human(s.size()), rate / 1e6, etaSeconds / 60, etaSeconds % 60));
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
