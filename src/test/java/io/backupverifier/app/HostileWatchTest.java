package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher with special files in the backup directory (they used to block it forever or
 * keep it reading /dev/urandom), and with this program's own files there: the same rules as
 * {@code verify --all}.
 */
class HostileWatchTest {

    @TempDir
    Path root;

    @Test
    void fifosAndLinksToDevicesAreReportedAndTheWatcherGoesOn() throws Exception {
        try (Service service =
                new Service(root).env("RESTORE_ON_SUSPECT", "false").start()) {
            Path fifo = service.backups.resolve("backup_20251226_120000.gz");
            Process mk =
                    new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertThat(mk.waitFor()).isZero();
            Path urandom = Files.createSymbolicLink(
                    service.backups.resolve("backup_20251225_120000.gz"), Path.of("/dev/urandom"));
            // this program's own files under the backup directory, from an old default VERIFICATION_LOG_DIR
            Path ownDb = Fixtures.write(
                    service.backups.resolve("verification_logs/state/results.db"),
                    "SQLite format 3\0".getBytes(StandardCharsets.UTF_8));
            Path ownLog = Fixtures.write(
                    service.backups.resolve("verification_logs/old.log.gz"), Fixtures.gzip(new byte[10]));

            await(
                    "the FIFO and the link reported",
                    Duration.ofSeconds(30),
                    () -> service.verifications(fifo) == 1 && service.verifications(urandom) == 1);
            Path good = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            // dated a minute back, as a backup finished a while ago: taken at the next poll, not after it settled
            Files.setLastModifiedTime(good, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
            await(
                    "a backup dropped afterwards verified",
                    Duration.ofSeconds(30),
                    () -> service.verifications(good) == 1);

            assertThat(service.latestStatus(fifo)).isEqualTo("FAILED");
            assertThat(service.latestStatus(urandom)).isEqualTo("FAILED");
            assertThat(service.latestStatus(good)).isEqualTo("PASSED");
            assertThat(service.verifications(ownDb)).isZero();
            assertThat(service.verifications(ownLog)).isZero();
        }
    }
}
