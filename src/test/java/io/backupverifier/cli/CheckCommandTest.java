package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.JsonSchemas;
import io.backupverifier.testing.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check}: one OK/FAILED line per item, with the fix; a real SMTP server, real directories, a real PostgreSQL. */
class CheckCommandTest {

    @TempDir
    Path root;

    Path backups;
    GreenMail smtp;
    int smtpPort;

    @BeforeEach
    void setUp() throws Exception {
        backups = root.resolve("backups");
        smtpPort = freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
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

    private Cli cli() {
        return new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("RESTORE_WORK_DIR", root.resolve("work").toString())
                .env("ALERT_EMAIL", "ops@example.com");
    }

    private void freshBackup() {
        Path b = Fixtures.write(backups.resolve("backup_new.gz"), Fixtures.bytes("shop.sql.gz"));
        Fixtures.sidecar(
                b,
                Instant.now()
                        .minus(1, ChronoUnit.HOURS)
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString(),
                null);
    }

    @Test
    void aHealthyInstallationIsAllOk() throws Exception {
        freshBackup();
        smtp.setUser("bv", "bv", "secret");
        Cli cli = cli().env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(smtpPort))
                .env("SMTP_USER", "bv")
                .env("SMTP_PASSWORD", "secret");
        Cli.Result r = cli.run("check");
        assertThat(r.exit()).as(r.out()).isZero();
        List<String> items = r.out().lines().filter(l -> l.startsWith("  ")).toList();
        assertThat(items).allMatch(l -> l.contains(": OK ("));
        assertThat(r.out()).contains("  backup directory: OK (" + backups.toAbsolutePath() + " is readable, 1 backup)");
        assertThat(r.out())
                .contains("  log directory: OK (" + backups.toAbsolutePath().resolve("verification_logs")
                        + " does not exist yet and will be created)");
        assertThat(r.out())
                .contains("  SMTP server: OK (127.0.0.1:" + smtpPort + " answers EHLO and accepts the login of bv)");
        assertThat(r.out()).contains("  daily backups fresh: OK (Newest daily backup backup_new.gz is 1 h old");
        assertThat(r.out()).contains("  configuration keys: OK (every key is known)");
        assertThat(r.out()).contains("[SUCCESS] All " + items.size() + " checks OK");
        assertThat(smtp.getReceivedMessages()).as("check sends nothing").isEmpty();
        assertThat(backups.resolve("verification_logs"))
                .as("check creates nothing")
                .doesNotExist();

        Cli.Result j = cli.run("check", "--json");
        assertThat(j.exit()).isZero();
        assertThat(JsonSchemas.errors("check.schema.json", j.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(j.out());
        assertThat(json.get("status").asText()).isEqualTo("OK");
        assertThat(json.at("/checks/smtp/status").asText()).isEqualTo("OK");
        assertThat(json.at("/checks/results_store/status").asText()).isEqualTo("OK");
        assertThat(json.at("/checks/test_database/status").asText()).isEqualTo("OK");

        Cli.Result wrong = cli.env("SMTP_PASSWORD", "wrong").run("check");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out())
                .contains("  SMTP server: FAILED (127.0.0.1:" + smtpPort + " refuses the login of bv); "
                        + "fix: check SMTP_USER and SMTP_PASSWORD");
    }

    @Test
    void eachProblemIsOneFailedLineWithItsFix() throws Exception {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz"); // a year old: the backup job stopped
        Files.writeString(root.resolve("logs-is-a-file"), "x");
        int closed = freePort();
        Cli cli = cli().env(
                        "VERIFICATION_LOG_DIR", root.resolve("logs-is-a-file").toString())
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(closed))
                .env("ALERT_EMIAL", "ops@example.com");
        Cli.Result r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains(
                        "  log directory: FAILED (" + root.resolve("logs-is-a-file") + " is a file, not a directory); "
                                + "fix: remove the file, or set VERIFICATION_LOG_DIR (log.dir)");
        assertThat(r.out())
                .containsPattern("  SMTP server: FAILED \\(127.0.0.1:" + closed
                        + " does not answer: .+\\); fix: check SMTP_HOST");
        assertThat(r.out()).contains("  daily backups fresh: FAILED (Newest daily backup backup_20251227_120000.gz is");
        assertThat(r.out())
                .contains("  configuration key ALERT_EMIAL: FAILED (ALERT_EMIAL: unknown, did you mean ALERT_EMAIL? "
                        + "(environment)); fix: correct or remove ALERT_EMIAL");
        assertThat(r.out()).contains("  backup directory: OK");
        assertThat(r.out())
                .contains("  state directory: FAILED (" + root.resolve("logs-is-a-file/state") + " cannot be created: "
                        + root.resolve("logs-is-a-file")
                        + " is a file); fix: remove the file, or set STATE_DIR (state.dir)");
        assertThat(r.out()).contains("  alert outbox directory: FAILED");
        assertThat(r.out()).containsPattern("\\[ERROR\\] 6 of \\d+ checks FAILED");

        Cli.Result j = cli.run("check", "--json");
        assertThat(j.exit()).isEqualTo(1);
        assertThat(JsonSchemas.errors("check.schema.json", j.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(j.out());
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.at("/checks/config_key_ALERT_EMIAL/fix").asText()).isEqualTo("correct or remove ALERT_EMIAL");
        assertThat(json.at("/checks/log_dir/status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aMissingBackupDirectoryAndABadValueAreNamed() throws Exception {
        Cli.Result r = cli().run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("  backup directory: FAILED (" + backups.toAbsolutePath() + " is not a directory); "
                        + "fix: set BACKUP_DIR (backup.dir) to the directory the backup job writes to");
        Cli.Result bad = cli().env("SMTP_PORT", "smtp").run("check", "--json");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(JsonSchemas.errors("check.schema.json", bad.out())).isEmpty();
        assertThat(new ObjectMapper().readTree(bad.out()).at("/error/message").asText())
                .isEqualTo("SMTP_PORT (smtp.port): 'smtp' is not a port number (1-65535)");
    }

    @Test
    void anUnreachableResultsStoreIsNamedWithoutItsPassword() throws Exception {
        freshBackup();
        int closed = freePort();
        Cli.Result r = cli().env("RESULTS_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/bv?password=s3cret")
                .run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .containsPattern(
                        "  results store: FAILED \\(jdbc:postgresql://127.0.0.1:" + closed
                                + "/bv\\?password=\\*{8}: .*Connection.*refused.*\\); fix: check RESULTS_DB_URL \\(results.db-url\\)");
        assertThat(r.out()).doesNotContain("s3cret");
    }

    /**
     * A migration recorded as failed stops every write to the store until someone repairs it:
     * the results wait in the spool, and check must say why, not advise a verify that cannot
     * write them either.
     */
    @Test
    void aFailedMigrationIsNamedWithItsRepair() throws Exception {
        freshBackup();
        Path state = root.resolve("state");
        Cli cli = cli().env("STATE_DIR", state.toString());
        assertThat(cli.run("verify").exit()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve("results.db"));
                Statement s = c.createStatement()) {
            s.execute("UPDATE bv_schema_history SET success = 0 WHERE version = '6'");
        }
        cli.run("verify"); // its result waits in the spool: the store refuses to start
        Cli.Result r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("  results store: FAILED (")
                .contains("migration to version 6 (restore content) failed")
                .contains("fix: remove what it half did, delete its row from bv_schema_history")
                .doesNotContain("run any command that verifies");
    }

    @Test
    void pgRestoreIsRequiredOnlyWhenThereAreCustomArchives() throws Exception {
        freshBackup();
        Path emptyBin = Files.createDirectories(root.resolve("no-bin"));
        Cli cli = cli().env("PG_BIN_DIR", emptyBin.toString());
        assertThat(cli.run("check").out())
                .contains("  pg_restore: OK (not found in " + emptyBin
                        + "; needed only for custom archives, and there are none)");
        Fixtures.backup(backups.resolve("monthly"), "shop.dump", "backup_20251201_040000.dump");
        Cli.Result r = cli.env("FRESHNESS_MONTHLY", "36500d").run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("  pg_restore: FAILED (not found in " + emptyBin + ", and 1 backup is a custom archive); "
                        + "fix: install the PostgreSQL client tools, or set PG_BIN_DIR to where pg_restore is");
    }

    @Test
    void asRootTheEmbeddedServerNeedsAnotherUser() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only as root");
        freshBackup();
        Cli.Result r = cli().env("EMBEDDED_PG_USER", "root").run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("  embedded test database: FAILED (running as root, and EMBEDDED_PG_USER is root); "
                        + "fix: set EMBEDDED_PG_USER to an unprivileged OS user, or TEST_DB_HOST");
        Cli.Result missing = cli().env("EMBEDDED_PG_USER", "bv-no-such-user").run("check");
        assertThat(missing.out())
                .contains(
                        "  embedded test database: FAILED (EMBEDDED_PG_USER bv-no-such-user is not a user of this host)");
    }

    /** Needs PostgreSQL: the local server (127.0.0.1:5432, trust, user postgres), else an embedded one. */
    @Test
    void theTestDatabaseUserMustCreateDatabasesAndRoles() throws Exception {
        String server = TestPostgres.HOST + ":" + TestPostgres.port();
        try (Connection c = TestPostgres.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS bv_check_weak");
            s.execute("CREATE ROLE bv_check_weak LOGIN");
        }
        try {
            freshBackup();
            Cli.Result ok = cli().env("TEST_DB_HOST", TestPostgres.HOST)
                    .env("TEST_DB_PORT", Integer.toString(TestPostgres.port()))
                    .env("TEST_DB_USER", "postgres")
                    .run("check");
            assertThat(ok.out())
                    .contains("  test database server: OK (" + server
                            + " answers; postgres may create databases and roles)");
            Cli.Result weak = cli().env("TEST_DB_HOST", TestPostgres.HOST)
                    .env("TEST_DB_PORT", Integer.toString(TestPostgres.port()))
                    .env("TEST_DB_USER", "bv_check_weak")
                    .run("check");
            assertThat(weak.exit()).isEqualTo(1);
            assertThat(weak.out())
                    .contains("  test database server: FAILED (" + server + " answers, but bv_check_weak lacks "
                            + "CREATEDB and CREATEROLE); fix: ALTER ROLE bv_check_weak CREATEDB CREATEROLE");
        } finally {
            try (Connection c = TestPostgres.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS bv_check_weak");
            }
        }
    }
}
