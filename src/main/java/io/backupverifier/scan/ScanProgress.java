package io.backupverifier.scan;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** The scans running now and how far each has read, for progress display and metrics. */
public final class ScanProgress {

    /** One running scan. */
    public static final class Scan {
        private final Path file;
        private final long size;
        private final long startNanos = System.nanoTime();
        private final AtomicLong read = new AtomicLong();

        Scan(Path file, long size) {
            this.file = file;
            this.size = size;
        }

        public Path file() {
            return file;
        }

        public long size() {
            return size;
        }

        public long bytesRead() {
            return read.get();
        }

        public double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        void add(long n) {
            read.addAndGet(n);
        }
    }

    private final List<Scan> running = new CopyOnWriteArrayList<>();

    Scan start(Path file, long size) {
        Scan s = new Scan(file, size);
        running.add(s);
        return s;
    }

    void end(Scan s) {
        running.remove(s);
    }

    public List<Scan> running() {
        return List.copyOf(running);
    }
}
