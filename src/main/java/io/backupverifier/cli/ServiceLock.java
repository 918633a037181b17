package io.backupverifier.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One service per state directory while the results store is the embedded SQLite file: an
 * exclusive lock on {@code run.lock}, which holds the owner's PID. The operating system drops the
 * lock when the process ends, however it ends, so a crash never leaves a stale lock behind.
 */
final class ServiceLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private ServiceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or says which process holds it. */
    static ServiceLock acquire(Path stateDir) throws UsageException {
        Path file = stateDir.resolve("run.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(stateDir);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new UsageException("Another backup-verifier service (PID " + holder + ") is running on "
                        + stateDir.toAbsolutePath()
                        + "; stop it first (one service per state directory with the embedded"
                        + " results store)");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new ServiceLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UsageException("Cannot lock " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        channel.read(b, 0);
        String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        return pid.isEmpty() ? "unknown" : pid;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing held
            }
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
