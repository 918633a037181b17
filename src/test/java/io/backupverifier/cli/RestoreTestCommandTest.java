package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore-test and the verify route's restore of suspect backups, through the real routes. */
class RestoreTestCommandTest {

    @TempDir
    Path root;

    Path backups;
    Cli cli;

    @BeforeEach
    void setUp() {
        backups = root.resolve("backups");
        cli = new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("RESTORE_WORK_DIR", root.resolve("work").toString());
    }

    @Test
    void restoreTestJsonAndRestoreLog() throws Exception {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.run("restore-test", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        List<String> checks = new ArrayList<>();
        json.at("/backups/0/checks").fieldNames().forEachRemaining(checks::add);
        assertThat(checks)
                .containsExactly(
                        "restore",
                        "table_count",
                        "key_tables",
                        "reindex",
                        "analyze",
                        "referential_integrity",
                        "consistency",
                        "amcheck");
        assertThat(json.at("/backups/0/status").asText()).isEqualTo("PASSED");
        assertThat(json.at("/summary/passed").asInt()).isEqualTo(1);
        try (Stream<Path> logs = Files.list(backups.resolve("restore_test_logs"))) {
            Path log = logs.filter(p -> p.getFileName().toString().matches("restore_test_\\d{8}_\\d{6}\\.log"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.readString(log))
                    .contains("[SUCCESS] Backup restored successfully")
                    .contains("[SUCCESS] Restore test completed");
        }
        try (Stream<Path> left = Files.list(root.resolve("work"))) {
            // but this JVM's initdb template, removed when the JVM exits (ShutdownTest: a process leaves nothing)
            assertThat(left.filter(p -> !p.getFileName().toString().startsWith("bv-embedded-pg-template-")))
                    .as("embedded server directory and spool files removed")
                    .isEmpty();
        }
    }

    @Test
    void objectsOnlyASuperuserMayCreateMakeAWarningThatNamesThemAndTheOtherChecksRun() throws Exception {
        Path dump = Fixtures.write(
                backups.resolve("backup_20251227_120000.gz"),
                Files.readAllBytes(Path.of("src/test/resources/fixtures/fidelity/superuser-objects.sql.gz")));
        Cli.Result r = cli.env("RESTORE_MIN_TABLES", "1").run("restore-test", "--json", dump.toString());
        assertThat(r.exit()).as(r.err()).isZero(); // a WARNING, not a failure: the rest of the database came back
        JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
        assertThat(b.at("/status").asText()).isEqualTo("WARNING");
        assertThat(b.at("/checks/restore/status").asText()).isEqualTo("WARNING");
        assertThat(b.at("/checks/restore/message").asText())
                .startsWith("10 statements need superuser and were not restored: "
                        + "CREATE EXTENSION IF NOT EXISTS file_fdw WITH SCHEMA public; (line 25), ");
        assertThat(b.at("/checks/amcheck/status").asText()).isEqualTo("PASSED");
    }

    @Test
    void aStatementLongerThanRestoreMaxStatementFailsNamingItsLine() throws Exception {
        String sql = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\nCOMMENT ON TABLE t IS '" + "x".repeat(4096)
                + "';\n-- PostgreSQL database dump complete\n";
        Path dump = Fixtures.write(backups.resolve("backup_20251227_120000.gz"), Fixtures.gzip(sql.getBytes()));
        Cli.Result r = cli.env("RESTORE_MAX_STATEMENT", "1KiB").run("restore-test", "--json", dump.toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
        assertThat(b.at("/checks/restore/status").asText()).isEqualTo("FAILED");
        assertThat(b.at("/checks/restore/message").asText())
                .contains("statement at line 3 is longer than 1024 bytes (RESTORE_MAX_STATEMENT)")
                .doesNotContain("x".repeat(100));
    }

    @Test
    void verifyRestoreTestsABackupWhoseOnlyProblemIsItsSidecar() throws Exception {
        Path noSidecar = Fixtures.write(backups.resolve("backup_20251227_120000.gz"), Fixtures.bytes("shop.sql.gz"));
        Cli.Result r = cli.run("verify", "--json", noSidecar.toString());
        assertThat(r.exit()).isEqualTo(1); // still FAILED: the sidecar is missing
        JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
        assertThat(b.at("/checks/metadata/status").asText()).isEqualTo("FAILED");
        assertThat(b.at("/checks/restore/status").asText())
                .as(b.at("/checks/restore/message").asText())
                .isEqualTo("PASSED");
        assertThat(b.at("/checks/restore/message").asText())
                .startsWith("Data restorable despite the failed file checks");
    }

    @Test
    void brokenDataIsNotRestoreTestedByVerify() throws Exception {
        Path bad = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Fixtures.truncate(bad, 3000);
        JsonNode b = new ObjectMapper()
                .readTree(cli.run("verify", "--json", bad.toString()).out())
                .at("/backups/0");
        assertThat(b.at("/checks").has("restore")).isFalse();
    }

    @Test
    void weeklyTestsTheLatestOfEachCategoryAndFileWithWeeklyIsAUsageError() {
        Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz");
        Fixtures.backup(backups.resolve("monthly"), "shop.sqlite.gz", "app_20251201.sqlite.gz");
        Cli.Result r = cli.env("RESTORE_MIN_TABLES", "2").run("restore-test", "--weekly");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("[SUCCESS] Restore test completed: backup_20251227_120000.gz")
                .contains("[SUCCESS] Restore test completed: app_20251201.sqlite.gz")
                .contains("Restore-tested 2 backups: 2 passed");
        assertThat(cli.run("restore-test", "--weekly", "x.gz").exit()).isEqualTo(2);
    }
}
