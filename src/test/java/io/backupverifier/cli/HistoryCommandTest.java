package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.restore.RestoreResults;
import io.backupverifier.store.DataSources;
import io.backupverifier.store.ResultsStore;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.JsonSchemas;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code history}: statuses over time and row-count drift, read from a real results store. */
class HistoryCommandTest {

    @TempDir
    Path root;

    Path backups;
    Cli cli;
    DataSource ds;
    Path older;
    Path newer;

    private ResultsStore storeAt(String time) {
        return new ResultsStore(ds, Clock.fixed(Instant.parse(time), ZoneOffset.UTC));
    }

    private static Map<String, Long> rows(long orders, long customers) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("public.customers", customers);
        m.put("public.orders", orders);
        return m;
    }

    @BeforeEach
    void setUp() {
        backups = root.resolve("backups");
        cli = new Cli(root).env("BACKUP_DIR", backups.toString());
        ds = DataSources.of("jdbc:sqlite:" + backups.resolve("verification_logs/state/results.db"), "", "");
        older = Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251226_120000.gz")
                .toAbsolutePath();
        newer = Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz")
                .toAbsolutePath();
        storeAt("2025-12-26T13:00:00Z").save(Fixtures.verify(older, backups));
        storeAt("2025-12-26T14:00:00Z").saveRestore(RestoreResults.passed(older, "daily", 4200, 800, rows(1000, 200)));
        storeAt("2025-12-27T13:00:00Z").save(Fixtures.verify(newer, backups));
        // the newer backup restores cleanly, but orders lost 60% of its rows: what no file check sees
        storeAt("2025-12-27T14:00:00Z").saveRestore(RestoreResults.passed(newer, "daily", 3900, 700, rows(400, 210)));
    }

    @Test
    void oneBackupShowsItsHistoryAndFlagsRowCountDrift() {
        Cli.Result r = cli.run("history", newer.toString());
        assertThat(r.exit()).as("the newest restore drifted").isEqualTo(1);
        assertThat(r.out()).contains("History of " + newer + " (daily)");
        assertThat(r.out()).containsPattern("2025-12-27 \\d\\d:00  PASSED");
        assertThat(r.out()).contains("restore 3.9 s, checks 700 ms, 610 rows in 2 tables");
        assertThat(r.out())
                .contains("[WARNING] row-count drift: public.orders 1,000 -> 400 rows (-60%) since the restore test of "
                        + "backup_20251226_120000.gz");
        assertThat(r.out()).doesNotContain("public.customers 200");
    }

    @Test
    void categoryJsonMatchesTheSchemaAndComparesEachRestoreWithThePrevious() throws Exception {
        Cli.Result r = cli.run("history", "--category", "daily", "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(JsonSchemas.errors("history.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("category").asText()).isEqualTo("daily");
        assertThat(json.get("verifications")).hasSize(2);
        assertThat(json.at("/verifications/0/file").asText()).isEqualTo(older.toString());
        assertThat(json.at("/verifications/0/status").asText()).isEqualTo("PASSED");
        JsonNode restores = json.get("restore_tests");
        assertThat(restores).hasSize(2);
        assertThat(restores.get(0).get("compared_with").isNull()).isTrue();
        assertThat(restores.get(0).get("row_count_drift")).isEmpty();
        assertThat(restores.get(1).at("/compared_with/file").asText()).isEqualTo(older.toString());
        assertThat(restores.get(1).at("/row_counts/public.orders").asLong()).isEqualTo(400);
        assertThat(restores.get(1).at("/restore_ms").asLong()).isEqualTo(3900);
        JsonNode drift = restores.get(1).get("row_count_drift");
        assertThat(drift).hasSize(1);
        assertThat(drift.at("/0/table").asText()).isEqualTo("public.orders");
        assertThat(drift.at("/0/previous_rows").asLong()).isEqualTo(1000);
        assertThat(drift.at("/0/change_percent").asInt()).isEqualTo(-60);
    }

    @Test
    void noDriftWhenRowsHold() {
        storeAt("2025-12-28T14:00:00Z").saveRestore(RestoreResults.passed(newer, "daily", 3000, 700, rows(1100, 220)));
        Cli.Result r = cli.run("history", "--category", "daily");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("row-count drift: public.orders 1,000 -> 400"); // still shown in the past
    }

    @Test
    void mistakesAreUsageErrorsAndUnknownFilesHaveNoHistory() throws Exception {
        Cli.Result neither = cli.run("history");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("history needs a FILE or --category C");
        Cli.Result bogus = cli.run("history", "--category", "hourly", "--json");
        assertThat(bogus.exit()).isEqualTo(2);
        assertThat(JsonSchemas.errors("history.schema.json", bogus.out())).isEmpty();
        assertThat(new ObjectMapper().readTree(bogus.out()).at("/error/message").asText())
                .isEqualTo("--category: unknown category 'hourly' (known: daily, weekly, monthly)");
        Cli.Result unknown = cli.run("history", backups.resolve("nothing.gz").toString());
        assertThat(unknown.exit()).isZero();
        assertThat(unknown.out()).contains("[INFO] No verification or restore test recorded");
    }
}
