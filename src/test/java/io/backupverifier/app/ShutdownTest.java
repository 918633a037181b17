package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import io.backupverifier.testing.ServiceProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a restore test runs, on the real service in its own JVM: the test finishes
 * (its result is whole), then its embedded PostgreSQL stops and its directory goes.
 */
class ShutdownTest {

    @TempDir
    Path root;

    private static boolean serverDirIn(Path work) {
        try (Stream<Path> s = Files.list(work)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("bv-embedded-pg-"));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void sigtermDuringARestoreTestLeavesAWholeResultAndNoServerBehind() throws Exception {
        Path backups = root.resolve("backups");
        Path work = Files.createDirectories(root.resolve("work"));
        Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz");
        ServiceProcess launched = new ServiceProcess(root)
                .env("WEEKLY_RESTORE_CRON", "0/3 * * * * ?")
                .env("WATCH_POLL_INTERVAL", "1h");
        // the other timers never fire, as in Service: the hourly freshness check at :15 added its run and alert
        for (String timer : List.of("DAILY_VERIFY_CRON", "MAINTENANCE_CRON", "DAILY_REPORT_CRON", "FRESHNESS_CRON")) {
            launched.env(timer, Service.NEVER);
        }
        try (ServiceProcess service = launched.start()) {
            // a JVM start, a timer's fire and an initdb: over a minute on a loaded machine (timed out on main too)
            await("a restore test to be running", Duration.ofSeconds(120), () -> serverDirIn(work));
            service.process().destroy(); // SIGTERM
            assertThat(service.process().waitFor(90, TimeUnit.SECONDS))
                    .as("the service stops")
                    .isTrue();
        }
        assertThat(serverDirIn(work))
                .as("embedded server directory left behind")
                .isFalse();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(work.toString()))
                        .count())
                .as("server processes left behind")
                .isZero();
        assertThat(Files.readString(root.resolve("service.log"))).contains("JVM shutdown hook triggered by SIGTERM");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("logs/state/results.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.status, count(k.check_id) FROM bv_restore r"
                        + " LEFT JOIN bv_restore_check k ON k.restore_id = r.id GROUP BY r.id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getInt(2));
            }
            assertThat(rows).isNotEmpty().allMatch(r -> r.equals("PASSED/8"));
        }
        assertThat(new File(work.toString()).list()).isEmpty();
    }
}
