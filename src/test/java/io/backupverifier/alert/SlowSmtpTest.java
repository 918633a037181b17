package io.backupverifier.alert;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mail server that talks one byte at a time: verification goes on at full speed, the alerts
 * wait in the outbox (the sender gives up after SMTP_TIMEOUT and tries again), and once a
 * working server is there every alert arrives, once.
 */
class SlowSmtpTest {

    @TempDir
    Path root;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Dates a backup a minute back, as one finished a while ago: the watcher takes it at its next poll instead of
     * waiting for it to be stable and settled (WatcherRouteTest's subject, not this one's).
     */
    private static void aged(Path backup) throws IOException {
        Files.setLastModifiedTime(backup, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    private static List<String> kept(Path outbox) {
        String[] names = outbox.toFile().list();
        return names == null
                ? List.of()
                : Arrays.stream(names).filter(n -> n.startsWith("alert_")).toList();
    }

    @Test
    void slowMailServerDelaysNoVerificationAndLosesNoAlert() throws Exception {
        int port = freePort();
        Path outbox = root.resolve("own/logs/outbox");
        SlowSmtpServer slow = new SlowSmtpServer(port);
        // the outbox sender looks every 0.2 s instead of every second: the kept alerts go out sooner once SMTP works
        try (Service service = new Service(root)
                .property("alert.outbox-poll-ms", "200")
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("SMTP_TIMEOUT", "3s")
                .env("ALERT_RETRIES", "0")
                .env("ALERT_RESEND_INTERVAL", "1s")
                .env("RESTORE_ON_SUSPECT", "false")
                .start()) {
            Path first = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251226_120000.gz");
            Fixtures.truncate(first, 3000);
            aged(first);
            await("the first backup verified", Duration.ofSeconds(20), () -> service.verifications(first) == 1);
            await("the sender stuck on the slow server", Duration.ofSeconds(10), () -> slow.connections() >= 1);

            // while the sender is held by the slow server, the next backup is verified as fast as ever
            Path second = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            Fixtures.truncate(second, 3000);
            aged(second);
            long start = System.nanoTime();
            await(
                    "the second backup verified while SMTP is slow",
                    Duration.ofSeconds(10),
                    () -> service.verifications(second) == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            await(
                    "both alerts kept in the outbox",
                    Duration.ofSeconds(10),
                    () -> kept(outbox).size() == 2);
            // the total limit: the sender hangs up on the slow server and tries again later
            await("the sender giving up on the slow server", Duration.ofSeconds(15), () -> slow.abandoned() >= 1);
            assertThat(kept(outbox)).hasSize(2);

            slow.close();
            GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            try {
                assertThat(smtp.waitForIncomingEmail(30_000, 2)).isTrue();
                await(
                        "the outbox to empty",
                        Duration.ofSeconds(10),
                        () -> kept(outbox).isEmpty());
                // stopping the service waits for its sender's delivery in flight: nothing more can come
                service.stop();
                assertThat(Arrays.stream(smtp.getReceivedMessages()).map(SlowSmtpTest::subject))
                        .as("each alert once")
                        .containsExactlyInAnyOrder(
                                "[backup-verifier] FAILED backup_20251226_120000.gz: metadata, checksum, "
                                        + "gzip_integrity, extractable, dump_complete",
                                "[backup-verifier] FAILED backup_20251227_120000.gz: metadata, checksum, gzip_integrity, "
                                        + "extractable, dump_complete");
            } finally {
                smtp.stop();
            }
        } finally {
            slow.close();
        }
    }

    @Test
    void oneDeliveryEndsWithinTheTotalLimitWhateverTheServerDoes() throws Exception {
        int port = freePort();
        Properties session = new Properties();
        session.setProperty("mail.smtp.host", "127.0.0.1");
        session.setProperty("mail.smtp.port", Integer.toString(port));
        session.setProperty("mail.smtp.timeout", "30000"); // a read limit alone never fires: a byte comes every 0.5 s
        Properties guarded = SmtpDeadline.guard(session, Duration.ofSeconds(2));
        assertThat(guarded.getProperty("mail.smtp.connectiontimeout")).isEqualTo("2000");
        assertThat(guarded.getProperty("mail.smtp.timeout")).isEqualTo("2000");
        assertThat(guarded.getProperty("mail.smtp.writetimeout")).isEqualTo("2000");
        try (SlowSmtpServer slow = new SlowSmtpServer(port)) {
            Session mail = Session.getInstance(guarded);
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                        try (Transport t = mail.getTransport("smtp")) {
                            t.connect();
                        }
                    })
                    .isInstanceOf(MessagingException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
            assertThat(slow.connections()).isEqualTo(1);
        }
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
