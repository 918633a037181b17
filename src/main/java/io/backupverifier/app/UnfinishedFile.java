package io.backupverifier.app;

import io.backupverifier.checks.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;

/**
 * Tells whether a watched backup was still being written while it was verified: its size or
 * modification time changed during the verification or within three stable times after its
 * last write. Such a verdict describes a partial file; the watcher sees the file again (its key
 * holds size and time) and verifies it once it is complete.
 */
public final class UnfinishedFile {

    /** In stable times since the last write: a writer may pause this long without its partial file being judged. */
    private static final int SETTLE = 3;

    private final Clock clock;

    public UnfinishedFile(Clock clock) {
        this.clock = clock;
    }

    /**
     * Waits until the file has been still for three times {@code stableForMs} (a writer that paused for
     * longer than the watcher's stable time is caught here), then compares it with what was scanned.
     */
    public boolean isUnfinished(Verification v, long stableForMs) throws InterruptedException {
        if (v.scan().modified() == null) {
            return false; // could not be read at all: nothing to compare
        }
        long wait = v.scan().modified().toEpochMilli() + SETTLE * stableForMs - clock.millis();
        if (wait > 0) {
            Thread.sleep(Math.min(wait, SETTLE * stableForMs));
        }
        return changed(v.file(), v.scan().size(), v.scan().modified().toEpochMilli());
    }

    private static boolean changed(Path file, long size, long modifiedMillis) {
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            return now.size() != size || now.lastModifiedTime().toMillis() != modifiedMillis;
        } catch (IOException e) {
            return true; // gone or replaced while it was verified: whatever is there next is verified then
        }
    }
}
