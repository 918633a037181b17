package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup FAILED only on its sidecar is restore-tested once per content of the file: later
 * verifications reuse the verdict, saying when the test ran, until the file changes.
 */
class SuspectRestoreOnceTest {

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

    /** The backup's restore check as {@code verify --json} prints it; the exit is 1 (the sidecar is missing). */
    private JsonNode restoreCheck(Path backup) throws Exception {
        Cli.Result r = cli.run("verify", "--json", backup.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
        assertThat(b.at("/checks/metadata/status").asText()).isEqualTo("FAILED");
        return b.at("/checks/restore");
    }

    /** How many restore tests the results store recorded. */
    private int restoreTests() throws Exception {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:sqlite:" + backups.resolve("verification_logs/state/results.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM bv_restore")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theSameContentIsNotRestoredAgainAndAChangedFileIs() throws Exception {
        Path b = Fixtures.write(backups.resolve("backup_20251227_120000.gz"), Fixtures.bytes("shop.sql.gz"));
        JsonNode first = restoreCheck(b);
        assertThat(first.at("/status").asText()).isEqualTo("PASSED");
        assertThat(first.at("/message").asText())
                .startsWith("Data restorable despite the failed file checks")
                .doesNotContain("unchanged since");
        assertThat(restoreTests()).isEqualTo(1);

        JsonNode second = restoreCheck(b);
        assertThat(second.at("/status").asText()).isEqualTo("PASSED");
        assertThat(second.at("/message").asText())
                .startsWith(first.at("/message").asText())
                .matches(".*; restore-tested on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, unchanged since");
        assertThat(restoreTests())
                .as("no second restore test of the same content")
                .isEqualTo(1);

        // touched: another modification time is another file as far as anyone can know
        Files.setLastModifiedTime(b, FileTime.from(Instant.now().minusSeconds(600)));
        assertThat(restoreCheck(b).at("/message").asText()).doesNotContain("unchanged since");
        assertThat(restoreTests()).isEqualTo(2);
        assertThat(restoreCheck(b).at("/message").asText()).endsWith("unchanged since");
        assertThat(restoreTests()).isEqualTo(2);

        // the same data compressed again: other bytes, restore-tested again
        Fixtures.write(b, Fixtures.gzip(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz"))));
        assertThat(restoreCheck(b).at("/message").asText()).doesNotContain("unchanged since");
        assertThat(restoreTests()).isEqualTo(3);
    }

    @Test
    void aFailedRestoreVerdictIsReusedToo() throws Exception {
        Path b = Fixtures.write(backups.resolve("backup_20251227_120000.gz"), Fixtures.bytes("shop.sql.gz"));
        cli.env("RESTORE_MIN_TABLES", "100"); // the shop has 13 tables: table_count fails
        JsonNode first = restoreCheck(b);
        assertThat(first.at("/status").asText()).isEqualTo("FAILED");
        assertThat(first.at("/message").asText()).startsWith("Data NOT restorable (table_count)");
        JsonNode second = restoreCheck(b);
        assertThat(second.at("/status").asText()).isEqualTo("FAILED");
        assertThat(second.at("/message").asText())
                .startsWith("Data NOT restorable (table_count)")
                .endsWith("unchanged since");
        assertThat(restoreTests()).isEqualTo(1);
    }

    @Test
    void aRestoreTestThatCouldNotRunIsTriedAgain() throws Exception {
        Path b = Fixtures.write(backups.resolve("backup_20251227_120000.gz"), Fixtures.bytes("shop.sql.gz"));
        cli.env("TEST_DB_HOST", "127.0.0.1").env("TEST_DB_PORT", "1"); // nothing listens there
        assertThat(restoreCheck(b).at("/status").asText()).isEqualTo("ERROR");
        JsonNode second = restoreCheck(b);
        assertThat(second.at("/status").asText()).isEqualTo("ERROR");
        assertThat(second.at("/message").asText()).doesNotContain("unchanged since");
        assertThat(restoreTests()).isEqualTo(2);
    }
}
