package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Quartz route of the daily verify --all, fired by its cron from configuration. */
class DailyVerifyRouteTest {

    @TempDir
    Path root;

    @Test
    void cronFiresVerifyAllAndWritesARunLogWithTheSummary() throws Exception {
        // the watcher is slowed down so that only the timer verifies
        try (Service service = new Service(root)
                .env("DAILY_VERIFY_CRON", "0/2 * * * * ?")
                .env("WATCH_POLL_INTERVAL", "1h")
                .start()) {
            Path good = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            Path bad = Fixtures.backup(service.backups.resolve("monthly"), "shop.sql.gz", "backup_20251201_040000.gz");
            Fixtures.truncate(bad, 99);
            await(
                    "a daily run over both backups",
                    Duration.ofSeconds(20),
                    () -> service.verifications(good) >= 1
                            && service.verifications(bad) >= 1
                            && summaryWritten(service));
            List<String> log = Files.readAllLines(runLogWithSummary(service));
            assertThat(log.get(0)).endsWith("[INFO] Starting backup verification");
            assertThat(log)
                    .anyMatch(l -> l.contains("[ERROR] Backup verification FAILED: backup_20251201_040000.gz "
                            + "(size, metadata, checksum, gzip_integrity, extractable"));
            assertThat(log.get(log.size() - 1))
                    .endsWith("[ERROR] Verified 2 backups: 1 passed, 0 with warnings, 1 failed");
        }
    }

    private static boolean summaryWritten(Service service) {
        try {
            return runLogWithSummary(service) != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static Path runLogWithSummary(Service service) throws Exception {
        try (Stream<Path> logs = Files.list(service.own.resolve("logs"))) {
            for (Path p : logs.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .toList()) {
                if (Files.readString(p).contains("Verified 2 backups")) {
                    return p;
                }
            }
        }
        return null;
    }
}
