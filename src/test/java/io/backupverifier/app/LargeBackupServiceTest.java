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

    @Test
    void backupLargerThanTheHeapIsVerifiedAndAlertedOnceAndTheWatcherGoesOn() throws Exception {
        try (ServiceProcess service = new ServiceProcess(root)
                .jvm("-Xmx256m", "-XX:+ExitOnOutOfMemoryError")
                .start()) {
            Path big = corruptBackup(service.backups.resolve("backup_20251227_120000.gz"), SIZE);
            // dated a minute back, as backups finished a while ago: each is taken at the next poll, not once it has
            // been stable and settled (WatcherRouteTest's subject, not this one's)
            Files.setLastModifiedTime(big, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
            await(
                    "the large backup verified",
                    Duration.ofSeconds(120),
                    () -> !service.verdicts(big).isEmpty());

            Path small = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251228_120000.gz");
            Fixtures.flipByte(small, 600);
            Files.setLastModifiedTime(small, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
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
