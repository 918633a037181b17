package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.ServiceProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup much larger than the service's heap, in the real service process: it is verified and
 * alerted once, nothing reads it whole (no OutOfMemoryError, none of its bytes in the log), and
 * the watcher goes on with the next backup.
 */
class LargeBackupServiceTest {

    private static final long SIZE = 300L * 1024 * 1024;

    @TempDir
    Path root;

    /** Where backups are made before they are dropped into the watched directory. */
    @TempDir
    Path staging;

    /** A gzip header and then SIZE bytes of noise: a corrupt backup, written in about a second. */
    static Path corruptBackup(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] block = new byte[1 << 20];
        new SplittableRandom(42).nextBytes(block);
        block[0] = 0x1f;
        block[1] = (byte) 0x8b;
        block[2] = 8;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int n = 0; (long) n * block.length < size; n++) {
                ch.write(ByteBuffer.wrap(block));
                block[16 + n] ^= 0x55; // no two blocks alike
            }
        }
        return file;
    }

    /**
     * Moves a backup made in {@link #staging} into the watched directory whole (its sidecar first), dated a minute
     * back as one finished a while ago: the watcher takes it at its next poll, not once it has been stable and settled
     * (WatcherRouteTest's subject, not this one's), and never half-written: written in place on a loaded machine, the
     * large one paused longer than the settle time and had a verdict of its own (verified twice). Returns its new path.
     */
    private static Path dropIn(ServiceProcess service, Path made) throws IOException {
        Files.setLastModifiedTime(made, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Path sidecar = made.resolveSibling(made.getFileName() + ".meta.json");
        if (Files.exists(sidecar)) {
            Files.move(sidecar, service.backups.resolve(sidecar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.move(made, service.backups.resolve(made.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void backupLargerThanTheHeapIsVerifiedAndAlertedOnceAndTheWatcherGoesOn() throws Exception {
        try (ServiceProcess service = new ServiceProcess(root)
                // the server compiler back (after ServiceProcess's C1-only default): C1 has no SHA-256 intrinsic,
                // and hashing this backup would take eight times the CPU
                .jvm("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=4")
                .start()) {
            Path big = dropIn(service, corruptBackup(staging.resolve("backup_20251227_120000.gz"), SIZE));
            await(
                    "the large backup verified",
                    Duration.ofSeconds(120),
                    () -> !service.verdicts(big).isEmpty());

            Path made = Fixtures.backup(staging, "shop.sql.gz", "backup_20251228_120000.gz");
            Fixtures.flipByte(made, 600);
            Path small = dropIn(service, made);
            await(
                    "the small backup dropped after it verified",
                    Duration.ofSeconds(60),
                    () -> !service.verdicts(small).isEmpty());

            assertThat(service.process().isAlive()).as("service still running").isTrue();
            assertThat(service.peakRss())
                    .as("peak resident memory of the service")
                    .isLessThan(600L * 1024 * 1024);
            assertThat(service.verdicts(big)).containsExactly("FAILED");
            assertThat(service.verdicts(small)).containsExactly("FAILED");
            // the watcher's line names the backup by its (escaped) path
            assertThat(service.logLines("Verified " + big)).hasSize(1).allMatch(l -> l.endsWith(": FAILED"));
            assertThat(service.logLines("Verified " + small)).hasSize(1).allMatch(l -> l.endsWith(": FAILED"));
            assertThat(service.log()).doesNotContain("OutOfMemoryError");
            assertThat(Files.size(service.output())).as("service log size").isLessThan(200_000);
            assertThat(service.log()
                            .chars()
                            .filter(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0xFFFD)
                            .count())
                    .as("binary characters in the service log")
                    .isZero();
            // no SMTP configured: each alert waits in the outbox, one per failed backup
            List<String> mails = service.outbox();
            assertThat(mails)
                    .filteredOn(m -> m.contains("backup_20251227_120000.gz"))
                    .hasSize(1);
            assertThat(mails)
                    .filteredOn(m -> m.contains("backup_20251228_120000.gz"))
                    .hasSize(1);
        }
    }
}
