package io.backupverifier.alert;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.ResultKind;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts through a real SMTP server in-process (GreenMail): what arrives, and what does not. */
class AlertMailTest {

    @TempDir
    Path root;

    Path backups;
    GreenMail smtp;
    int port;
    Cli cli;

    @BeforeEach
    void start() throws Exception {
        port = freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        backups = root.resolve("backups");
        cli = new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com, dba@example.com")
                .env("ALERT_FROM", "verifier@example.com")
                .env("RESTORE_ON_SUSPECT", "false")
                .env("ALERT_RETRIES", "1")
                .env("ALERT_RETRY_DELAY", "100ms")
                .env("FRESHNESS_DAILY", "36500d"); // the fixtures are from 2025: keep freshness out of these mails
    }

    /**
     * The service's outbox sender looks every 0.2 s instead of every second: a kept alert goes out sooner, through
     * the same timer and route.
     */
    private static Service service(Path root) {
        return new Service(root).property("alert.outbox-poll-ms", "200");
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Dates backups a minute back, as ones finished a while ago: the watcher takes them at its next poll instead of
     * waiting for them to be stable and settled (WatcherRouteTest's subject, not this one's).
     */
    private static void aged(Path... backups) throws IOException {
        FileTime minuteAgo = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path b : backups) {
            Files.setLastModifiedTime(b, minuteAgo);
        }
    }

    private Path broken(String name, long mtime) throws IOException {
        Path p = Fixtures.backup(backups, "shop.sql.gz", name);
        Fixtures.truncate(p, 3000);
        Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
        return p;
    }

    /** The mail's parts by content type (text/plain, text/html), each with its decoded text. */
    private static Map<String, String> parts(MimeMessage m) throws Exception {
        Map<String, String> parts = new LinkedHashMap<>();
        Multipart mp = (Multipart) m.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart part = mp.getBodyPart(i);
            if (part.getContent() instanceof Multipart inner) {
                for (int j = 0; j < inner.getCount(); j++) {
                    parts.put(
                            type(inner.getBodyPart(j)),
                            String.valueOf(inner.getBodyPart(j).getContent()));
                }
            } else {
                parts.put(type(part), String.valueOf(part.getContent()));
            }
        }
        return parts;
    }

    private static String type(BodyPart part) throws Exception {
        return part.getContentType().split(";")[0].toLowerCase();
    }

    /** The live database unreachable is itself the alert: check-db-run alerts after a failed connection too. */
    @Test
    void checkDbAlertsWhenTheLiveDatabaseIsUnreachable() throws Exception {
        Cli.Result r = cli.env("DB_HOST", "127.0.0.1")
                .env("DB_PORT", "1")
                .env("DB_USER", "nobody")
                .env("DB_NAME", "shop")
                .run("check-db", "--alert");
        assertThat(r.exit()).isEqualTo(1);
        // the command has ended: it delivers before it exits
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(2); // one message, two recipients
        assertThat(mails[0].getSubject()).isEqualTo("[backup-verifier] FAILED shop: connectivity");
    }

    @Test
    void newFailureMailsOnceThenNothingThenRecoveryWhenANewerBackupPasses() throws Exception {
        broken("backup_20251226_120000.gz", 1_766_750_400_000L);
        assertThat(cli.run("verify", "--all", "--alert").exit()).isEqualTo(1);
        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage[] first = smtp.getReceivedMessages();
        assertThat(first).hasSize(2); // one message, delivered to two recipients
        MimeMessage m = first[0];
        assertThat(m.getSubject())
                .isEqualTo("[backup-verifier] FAILED backup_20251226_120000.gz: metadata, checksum, "
                        + "gzip_integrity, extractable, dump_complete");
        assertThat(Arrays.stream(m.getRecipients(MimeMessage.RecipientType.TO)).map(Address::toString))
                .containsExactlyInAnyOrder("ops@example.com", "dba@example.com");
        assertThat(m.getFrom()[0].toString()).isEqualTo("verifier@example.com");
        Map<String, String> parts = parts(m);
        assertThat(parts).containsKeys("text/plain", "text/html");
        // both parts say which backup failed and what to do
        assertThat(parts.get("text/plain"))
                .contains("backup_20251226_120000.gz", "Re-run backup, check disk space and I/O");
        assertThat(parts.get("text/html"))
                .contains("backup_20251226_120000.gz", "Re-run backup, check disk space and I/O");
        assertThat(GreenMailUtil.getBody(m)).contains("Re-run backup, check disk space and I/O");

        // the same failure on the next run: no mail
        assertThat(cli.run("verify", "--all", "--alert").exit()).isEqualTo(1);
        // the command has ended: it delivers before it exits, and GreenMail stores a mail before it answers
        assertThat(smtp.getReceivedMessages()).hasSize(2);

        // a newer backup passes: a recovery mail
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Files.setLastModifiedTime(good, FileTime.fromMillis(1_766_836_800_000L));
        cli.run("verify", "--all", "--alert");
        assertThat(smtp.waitForIncomingEmail(10_000, 4)).isTrue();
        List<String> subjects = new ArrayList<>();
        MimeMessage recovery = null;
        for (MimeMessage r : smtp.getReceivedMessages()) {
            subjects.add(r.getSubject());
            if (r.getSubject().contains("RECOVERED")) {
                recovery = r;
            }
        }
        // two recipients: each mail arrives twice; the failure was mailed once, then the recovery once
        assertThat(subjects)
                .filteredOn(x -> x.contains("RECOVERED"))
                .hasSize(2)
                .allMatch(x ->
                        x.equals("[backup-verifier] RECOVERED daily: newer backup backup_20251227_120000.gz passed"));
        assertThat(subjects).filteredOn(x -> x.contains("FAILED")).hasSize(2);
        assertThat(GreenMailUtil.getBody(recovery)).contains("backup_20251226_120000.gz");
    }

    @Test
    void threeFailuresInOneRunMakeOneDigest() throws Exception {
        broken("a.gz", 1_000_000L);
        broken("b.gz", 2_000_000L);
        broken("c.gz", 3_000_000L);
        cli.run("verify", "--all", "--alert");
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue(); // the command has ended: nothing more can come
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(2); // one digest, two recipients
        assertThat(got[0].getSubject()).isEqualTo("[backup-verifier] FAILED 3 backups: a.gz, b.gz, c.gz");
        String body = GreenMailUtil.getBody(got[0]);
        assertThat(body).contains("a.gz").contains("b.gz").contains("c.gz");
    }

    @Test
    void smtpDownKeepsTheAlertAndTheTimerDeliversItWhenSmtpIsBack() throws Exception {
        smtp.stop();
        Path outbox = root.resolve("own/logs/outbox");
        try (Service service = service(root)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("ALERT_RETRIES", "1")
                .env("ALERT_RETRY_DELAY", "100ms")
                .env("ALERT_RESEND_INTERVAL", "1s")
                .env("RESTORE_ON_SUSPECT", "false")
                .start()) {
            Path bad = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251226_120000.gz");
            Fixtures.truncate(bad, 3000);
            aged(bad);
            await(
                    "the undelivered alert in the outbox",
                    Duration.ofSeconds(30),
                    () -> Files.isDirectory(outbox) && outbox.toFile().list().length == 1);
            smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
            assertThat(smtp.getReceivedMessages()[0].getSubject())
                    .startsWith("[backup-verifier] FAILED backup_20251226_120000.gz");
            await(
                    "the outbox to empty",
                    Duration.ofSeconds(10),
                    () -> outbox.toFile().list().length == 0);
        }
    }

    @Test
    void stoppedBackupJobIsAlertedByTheHourlyFreshnessCheckAndItsEndToo() throws Exception {
        try (Service service = service(root)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("FRESHNESS_CRON", "* * * * * ?")
                .env("WATCH_POLL_INTERVAL", "1h")
                .start()) {
            assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
            assertThat(smtp.getReceivedMessages()[0].getSubject())
                    .isEqualTo("[backup-verifier] FAILED daily: freshness");
            // two more checks after the one that alerted: an alert is kept in the outbox before its check ends, and a
            // kept
            // one leaves the outbox only once it has been mailed
            NotifyBuilder later = new NotifyBuilder(service.camel())
                    .fromRoute("hourly-freshness")
                    .whenDone(2)
                    .create();
            assertThat(later.matches(20, TimeUnit.SECONDS))
                    .as("two more freshness checks")
                    .isTrue();
            await("the outbox empty", Duration.ofSeconds(10), () -> outboxIn(service).length == 0);
            assertThat(smtp.getReceivedMessages())
                    .as("no second mail while it stays stale")
                    .hasSize(1);
            Path fresh = Fixtures.write(service.backups.resolve("backup_now.gz"), Fixtures.bytes("shop.sql.gz"));
            Fixtures.sidecar(fresh, Instant.now().toString(), null);
            assertThat(smtp.waitForIncomingEmail(20_000, 2)).isTrue();
            assertThat(smtp.getReceivedMessages()[1].getSubject())
                    .isEqualTo("[backup-verifier] RECOVERED daily: the daily backups are fresh again");
        }
    }

    @Test
    void starttlsSettingsReachTheMailSession() throws Exception {
        try (Service service = service(root)
                .env("SMTP_HOST", "mail.example.com")
                .env("SMTP_PORT", "587")
                .env("SMTP_STARTTLS", "true")
                .env("SMTP_USER", "alerts")
                .env("SMTP_PASSWORD", "s3cret")
                .env("ALERT_EMAIL", "ops@example.com")
                .start()) {
            MailEndpoint endpoint = service.camel().getEndpoints().stream()
                    .filter(MailEndpoint.class::isInstance)
                    .map(MailEndpoint.class::cast)
                    .findFirst()
                    .orElseThrow();
            Properties session = endpoint.getConfiguration()
                    .getAdditionalJavaMailProperties(); // merged into the session by camel-mail
            assertThat(session.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
            assertThat(session.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
            // connect, read and write limits, and the total one (SMTP_TIMEOUT, 60 s by default)
            assertThat(session.getProperty("mail.smtp.connectiontimeout")).isEqualTo("10000");
            assertThat(session.getProperty("mail.smtp.timeout")).isEqualTo("30000");
            assertThat(session.getProperty("mail.smtp.writetimeout")).isEqualTo("30000");
            assertThat(session.get("mail.smtp.socketFactory")).isInstanceOf(SmtpDeadline.class);
            assertThat(endpoint.getConfiguration().getHost()).isEqualTo("mail.example.com");
            assertThat(endpoint.getConfiguration().getPort()).isEqualTo(587);
            assertThat(endpoint.getConfiguration().getUsername()).isEqualTo("alerts");
            assertThat(endpoint.getConfiguration().getPassword()).isEqualTo("s3cret");
            // Camel logs endpoint URIs sanitized: the password never shows
            assertThat(URISupport.sanitizeUri(endpoint.getEndpointUri())).doesNotContain("s3cret");
        }
    }

    private static String[] outboxIn(Service service) {
        String[] kept = service.own.resolve("logs/outbox").toFile().list();
        return kept == null ? new String[0] : kept;
    }

    private Path outbox() {
        return backups.resolve("verification_logs/outbox");
    }

    private List<String> outboxFiles() {
        String[] names = outbox().toFile().list();
        return names == null ? List.of() : Arrays.asList(names);
    }

    @Test
    void cronRunWithSmtpDownKeepsTheAlertAndTheNextRunDeliversItExactlyOnce() throws Exception {
        broken("backup_20251226_120000.gz", 1_766_750_400_000L);
        smtp.stop(); // the mail server is down during the first cron run
        Cli.Result first = cli.run("verify", "--all", "--alert");
        assertThat(first.exit()).isEqualTo(1);
        assertThat(first.err())
                .contains("[WARNING] 1 alert waits in " + outbox().toAbsolutePath()
                        + ": not delivered now; the next command that alerts, or the service, sends it");
        assertThat(outboxFiles()).hasSize(1).allMatch(n -> n.matches("alert_.*\\.json"));

        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        // the next cron run: the backup is still broken (no new alert), and the kept one goes out now
        assertThat(cli.run("verify", "--all", "--alert").exit()).isEqualTo(1);
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        assertThat(outboxFiles()).as("the outbox after delivery").isEmpty();
        // and a third run sends nothing again
        assertThat(cli.run("verify", "--all", "--alert").exit()).isEqualTo(1);
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(2); // one mail, two recipients
        assertThat(got[0].getSubject()).startsWith("[backup-verifier] FAILED backup_20251226_120000.gz: metadata");
    }

    @Test
    void cleanupAndReportDeliverWhatWaitsInTheOutbox() throws Exception {
        AlertOutbox outbox = new AlertOutbox(outbox(), Clock.systemDefaultZone());
        outbox.keep(new AlertMail("[backup-verifier] FAILED kept-before.gz: checksum", "text", "<p>html</p>"));
        Files.createDirectories(backups);
        assertThat(cli.run("cleanup").exit()).isEqualTo(0);
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        assertThat(outboxFiles()).isEmpty();

        outbox.keep(new AlertMail("[backup-verifier] Report", "text", "<p>html</p>", "admin@example.com"));
        assertThat(cli.run("report").exit()).isEqualTo(0);
        assertThat(smtp.waitForIncomingEmail(10_000, 3)).isTrue();
        assertThat(outboxFiles()).isEmpty();
        MimeMessage report = smtp.getReceivedMessages()[2];
        assertThat(report.getSubject()).isEqualTo("[backup-verifier] Report");
        assertThat(report.getAllRecipients()[0].toString()).isEqualTo("admin@example.com");
    }

    @Test
    void alertMailNamesTheHostAndTheRealLogDirectory() throws Exception {
        broken("backup_20251226_120000.gz", 1_766_750_400_000L);
        cli.run("verify", "--all", "--alert");
        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        String body = GreenMailUtil.getBody(smtp.getReceivedMessages()[0]);
        assertThat(body)
                .contains("backup-verifier on " + InetAddress.getLocalHost().getHostName())
                .contains(backups.resolve("verification_logs").toAbsolutePath().toString())
                .doesNotContain("under VERIFICATION_LOG_DIR");
    }

    @Test
    void aCheckThatCouldNotRunIsMailedAsErrorWithAdviceAboutTheEnvironment() {
        BackupResult unreachable = new BackupResult() {
            public Path file() {
                return Path.of("/backups/daily/x.gz");
            }

            public String category() {
                return "daily";
            }

            public long sizeBytes() {
                return 1234;
            }

            public Map<String, CheckResult> checks() {
                Map<String, CheckResult> m = new LinkedHashMap<>();
                m.put("restore", CheckResult.error("test server unreachable"));
                m.put("table_count", CheckResult.skipped("not restored"));
                return m;
            }

            public ResultKind resultKind() {
                return ResultKind.RESTORE;
            }
        };
        AlertMailRenderer renderer =
                new AlertMailRenderer("db-backup-1", List.of(Path.of("/var/log/bv"), Path.of("/var/log/bv-restore")));
        List<AlertMail> mails = renderer.render(new AlertState.Change(List.of(unreachable), List.of()));
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).subject()).isEqualTo("[backup-verifier] ERROR x.gz: restore (test server unreachable)");
        assertThat(mails.get(0).text())
                .contains("Restore test ERROR: /backups/daily/x.gz (daily)")
                .contains("Action: " + Advice.forError())
                .contains("backup-verifier on db-backup-1: every check of every backup, in the logs and reports under "
                        + "/var/log/bv and /var/log/bv-restore.");
        assertThat(mails.get(0).html())
                .contains("<span class=\"ERROR\">ERROR</span>")
                .contains(AlertMailRenderer.esc(Advice.forError()));
    }

    @Test
    void anAlertThatCannotBeKeptFailsTheCommandAndTheWatcherTriesAgain() throws Exception {
        broken("backup_20251226_120000.gz", 1_766_750_400_000L);
        Path blocked = Files.writeString(root.resolve("outbox-is-a-file"), "not a directory");
        Cli.Result r = cli.env("ALERT_OUTBOX_DIR", blocked.toString()).run("verify", "--all", "--alert");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains("[ERROR] Cannot keep the alert '[backup-verifier] FAILED backup_20251226_120000.gz: ");
        assertThat(smtp.getReceivedMessages()).isEmpty();

        // the service does not commit a verdict whose alert is not on disk: once the outbox works, the alert goes out
        Path outbox = root.resolve("service-outbox");
        Files.writeString(outbox, "not a directory either");
        try (Service service = service(root.resolve("svc"))
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("ALERT_OUTBOX_DIR", outbox.toString())
                .env("RESTORE_ON_SUSPECT", "false")
                .start()) {
            Path bad = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            Fixtures.truncate(bad, 3000);
            aged(bad);
            await(
                    "a verification whose alert could not be kept",
                    Duration.ofSeconds(20),
                    () -> service.verifications(bad) >= 1);
            assertThat(smtp.getReceivedMessages()).isEmpty();
            Files.delete(outbox);
            assertThat(smtp.waitForIncomingEmail(30_000, 1))
                    .as("the alert, once the outbox works")
                    .isTrue();
            assertThat(smtp.getReceivedMessages()[0].getSubject())
                    .startsWith("[backup-verifier] FAILED backup_20251227_120000.gz: ");
        }
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Test
    void dailyReportGoesToTheAdminThroughTheOutbox() throws Exception {
        try (Service service = service(root)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("ADMIN_EMAIL", "admin@example.com")
                .env("DAILY_REPORT_CRON", "* * * * * ?")
                .env("WATCH_POLL_INTERVAL", "1h")
                .env("FRESHNESS_DAILY", "36500d")
                .start()) {
            assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
            MimeMessage m = smtp.getReceivedMessages()[0];
            assertThat(m.getSubject()).startsWith("[backup-verifier] Report: ");
            assertThat(Arrays.stream(m.getRecipients(MimeMessage.RecipientType.TO))
                            .map(Address::toString))
                    .containsExactly("admin@example.com");
            assertThat(parts(m)).containsKeys("text/plain", "text/html");
        }
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Test
    void aCommandAndTheServiceDrainingTogetherSendEachKeptAlertOnce() throws Exception {
        Path logs = root.resolve("own/logs");
        AlertOutbox outbox = new AlertOutbox(logs.resolve("outbox"), Clock.systemDefaultZone());
        for (int i = 0; i < 30; i++) {
            outbox.keep(new AlertMail("[backup-verifier] FAILED kept-" + i + ".gz: checksum", "text", "<p>html</p>"));
        }
        Cli command = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .env("VERIFICATION_LOG_DIR", logs.toString())
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com");
        try (Service service = service(root)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("WATCH_POLL_INTERVAL", "1h")
                .env("FRESHNESS_DAILY", "36500d")
                .start()) {
            assertThat(command.run("cleanup").exit()).isEqualTo(0); // drains while the service's sender does too
            assertThat(smtp.waitForIncomingEmail(30_000, 30)).isTrue();
            await(
                    "the outbox to empty",
                    Duration.ofSeconds(10),
                    () -> logs.resolve("outbox").toFile().list().length == 0);
            // the command has ended, and stopping the service waits for its sender's delivery in flight: nothing
            // more can come
            service.stop();
            assertThat(Arrays.stream(smtp.getReceivedMessages()).map(m -> {
                        try {
                            return m.getSubject();
                        } catch (MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    }))
                    .hasSize(30)
                    .doesNotHaveDuplicates();
        }
    }
}
