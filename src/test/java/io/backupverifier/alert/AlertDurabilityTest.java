package io.backupverifier.alert;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the service after a FAILED verdict was recorded and while its alert was being
 * mailed (the mail server is slow, so that moment lasts): after a restart the alert arrives,
 * exactly once, and the backup is not verified again.
 */
class AlertDurabilityTest {

    @TempDir
    Path root;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The service on this test's directories, its output in {@code log}, mailing to the SMTP server on the port. */
    private Process service(int smtpPort, String log) throws IOException {
        return new ServiceProcess(root)
                .output(log)
                .env("RESTORE_ON_SUSPECT", "false")
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(smtpPort))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("ALERT_RETRIES", "0")
                .env("FRESHNESS_DAILY", "36500d")
                .start()
                .process();
    }

    private List<String> outbox() {
        String[] names = root.resolve("logs/outbox").toFile().list();
        return names == null
                ? List.of()
                : Arrays.stream(names).filter(n -> n.startsWith("alert_")).toList();
    }

    private int verifications() throws Exception {
        Path db = root.resolve("logs/state/results.db");
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM bv_verification")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            return 0; // not created yet
        }
    }

    @Test
    void killDashNineBetweenRecordingAndMailingLosesNoAlertAndSendsItOnce() throws Exception {
        Path bad = Fixtures.backup(root.resolve("backups"), "shop.sql.gz", "backup_20251226_120000.gz");
        Fixtures.truncate(bad, 3000);
        int slowPort = freePort();
        try (SlowSmtpServer slow = new SlowSmtpServer(slowPort)) {
            Process first = service(slowPort, "first.log");
            try {
                await("the verdict recorded", Duration.ofSeconds(60), () -> {
                    try {
                        return verifications() == 1;
                    } catch (Exception e) {
                        return false;
                    }
                });
                await("the alert being mailed", Duration.ofSeconds(30), () -> slow.connections() >= 1);
                assertThat(outbox())
                        .as("the alert, on disk before any mail was tried")
                        .hasSize(1);
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        int port = freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Process second = service(port, "second.log");
        try {
            assertThat(smtp.waitForIncomingEmail(60_000, 1))
                    .as("the alert after the restart")
                    .isTrue();
            await("the outbox to empty", Duration.ofSeconds(20), () -> outbox().isEmpty());
            // a clean stop (SIGTERM) waits for the sender's delivery in flight: after it, nothing more can come
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS))
                    .as("the service stops")
                    .isTrue();
            assertThat(smtp.getReceivedMessages()).as("no second alert").hasSize(1);
            assertThat(smtp.getReceivedMessages()[0].getSubject())
                    .startsWith("[backup-verifier] FAILED backup_20251226_120000.gz: ");
            assertThat(verifications())
                    .as("the committed verdict is not verified again")
                    .isEqualTo(1);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
            second.destroyForcibly();
            smtp.stop();
        }
    }
}
