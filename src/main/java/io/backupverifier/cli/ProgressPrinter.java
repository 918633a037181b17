package io.backupverifier.cli;

import io.backupverifier.report.LogLine;
import io.backupverifier.scan.Bytes;
import io.backupverifier.scan.ScanProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows, on a terminal's stderr, how far long verifications have got: bytes, MB/s and ETA.
 * Quiet for the first two seconds so that quick runs print nothing but their verdicts.
 */
final class ProgressPrinter implements AutoCloseable {

    private final ScanProgress progress;
    private final PrintStream err;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean printed;

    ProgressPrinter(ScanProgress progress, PrintStream err) {
        this.progress = progress;
        this.err = err;
        this.thread = new Thread(this::loop, "bv-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
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
            if (line.length() > 0) {
                synchronized (err) {
                    err.print("\r\033[K[PROGRESS] " + line);
                    err.flush();
                }
                printed = true;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (printed) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
