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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code list}: every backup with its latest verification and restore test, on real files and a real results store. */
class ListCommandTest {

    @TempDir
    Path root;

    Path backups;
    Cli cli;

    @BeforeEach
    void setUp() {
        backups = root.resolve("backups");
        cli = new Cli(root).env("BACKUP_DIR", backups.toString());
    }

    private Path daily(String name, String createdAt, byte[] content) {
        Path p = Fixtures.write(backups.resolve("daily").resolve(name), content);
        Fixtures.sidecar(p, createdAt, null);
        return p;
    }

    @Test
    void listsNewestFirstWithVerificationRestoreAndSizeMark() throws Exception {
        byte[] shop = Fixtures.bytes("shop.sql.gz");
        daily("backup_20251224_120000.gz", "2025-12-24T12:00:00Z", shop);
        daily("backup_20251225_120000.gz", "2025-12-25T12:00:00Z", shop);
        Path good = daily("backup_20251226_120000.gz", "2025-12-26T12:00:00Z", shop);
        // the newest lost most of its data: a valid gzip of the first hundredth of the dump
        byte[] plain = Fixtures.gunzip(shop);
        Path shrunk = daily(
                "backup_20251227_120000.gz",
                "2025-12-27T12:00:00Z",
                Fixtures.gzip(Arrays.copyOf(plain, plain.length / 100)));
        assertThat(cli.run("verify", "--all").exit()).isEqualTo(1); // the shrunk one fails; the list shows it
        ResultsStore store = new ResultsStore(
                DataSources.of("jdbc:sqlite:" + backups.resolve("verification_logs/state/results.db"), "", ""),
                Clock.systemUTC());
        store.saveRestore(RestoreResults.passed(
                good.toAbsolutePath(), "daily", 1200, 300, Map.of("orders", 1000L, "customers", 234L)));

        Cli.Result r = cli.run("list");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("CATEGORY").contains("VERIFIED", "RESTORE TEST", "BACKUP");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1))
                .contains("daily", "2025-12-27", "FAILED", "never", "backup_20251227_120000.gz", "! shrank:");
        assertThat(lines.get(2))
                .contains("2025-12-26", "PASSED", "PASSED", "1,234 rows", "backup_20251226_120000.gz")
                .doesNotContain("!");
        assertThat(lines.get(4)).contains("backup_20251224_120000.gz");

        Cli.Result j = cli.run("list", "--json");
        assertThat(j.exit()).isZero();
        assertThat(JsonSchemas.errors("list.schema.json", j.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(j.out());
        assertThat(json.get("version").asText()).isNotEmpty();
        assertThat(json.at("/summary/total").asInt()).isEqualTo(4);
        JsonNode first = json.get("backups").get(0);
        assertThat(first.get("file").asText())
                .isEqualTo(shrunk.toAbsolutePath().normalize().toString());
        assertThat(first.at("/last_verification/status").asText()).isEqualTo("FAILED");
        assertThat(first.at("/last_verification/failed_checks").toString()).contains("dump_complete");
        assertThat(first.get("size_anomaly").asText()).startsWith("shrank");
        JsonNode second = json.get("backups").get(1);
        assertThat(second.at("/last_restore_test/rows_loaded").asLong()).isEqualTo(1234);
        assertThat(second.at("/last_restore_test/restore_ms").asLong()).isEqualTo(1200);
        assertThat(second.get("created_at").asText()).isEqualTo("2025-12-26T12:00:00Z");
    }

    @Test
    void categoryFilterShowsOnlyThatCategory() {
        Fixtures.backup(backups.resolve("weekly"), "shop.sql.gz", "backup_20251221_030000.gz");
        daily("backup_20251226_120000.gz", "2025-12-26T12:00:00Z", Fixtures.bytes("shop.sql.gz"));
        Cli.Result r = cli.run("list", "--category", "weekly");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("weekly/backup_20251221_030000.gz").doesNotContain("backup_20251226_120000.gz");
        assertThat(r.out()).contains("never"); // never verified: list runs no check
    }

    @Test
    void emptyDirectoryIsOneDocumentAndCreatesNothing() throws Exception {
        Files.createDirectories(backups);
        Cli.Result r = cli.run("list", "--json");
        assertThat(r.exit()).isZero();
        assertThat(JsonSchemas.errors("list.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("backups")).isEmpty();
        assertThat(json.has("generated_at")).isTrue();
        try (var files = Files.list(backups)) {
            assertThat(files.toList())
                    .as("list writes nothing, not even the results store")
                    .isEmpty();
        }
        Cli.Result text = cli.run("list");
        assertThat(text.out().strip())
                .isEqualTo("[INFO] No backups in " + backups.toAbsolutePath().normalize());
    }

    @Test
    void missingDirectoryIsAnErrorDocumentWithExitCode2() throws Exception {
        Cli.Result r = cli.run("list", "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(JsonSchemas.errors("list.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.at("/error/exit_code").asInt()).isEqualTo(2);
        assertThat(json.at("/error/message").asText()).contains("BACKUP_DIR").contains("is not a directory");

        Cli.Result usage = cli.run("list", "--json", "--bogus");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(usage.out()).at("/error/message").asText())
                .contains("--bogus");
        assertThat(usage.out().getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }
}
