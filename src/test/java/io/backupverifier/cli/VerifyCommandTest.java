package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.store.StoreWaitForTests;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.JsonSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify command as cron and CI use it: output, JSON shape, exit codes. */
class VerifyCommandTest {

    @TempDir
    Path root;

    Path backups;
    Cli cli;

    @BeforeEach
    void setUp() {
        backups = root.resolve("backups");
        cli = new Cli(root).env("BACKUP_DIR", backups.toString());
    }

    @AfterEach
    void storeWaitAsTheApplications() {
        StoreWaitForTests.reset();
    }

    private static List<String> keys(JsonNode node) {
        List<String> k = new ArrayList<>();
        node.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void jsonOutputHasExactlyTheDesignedShapeAndNothingElse() throws Exception {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Path bad = Fixtures.backup(backups.resolve("weekly"), "shop.sql.gz", "backup_20251221_030000.gz");
        Fixtures.truncate(bad, 3000);

        Cli.Result r = cli.run("verify", "--all", "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out()); // the whole of stdout is one JSON document
        assertThat(JsonSchemas.errors("verify.schema.json", r.out())).isEmpty();
        assertThat(keys(json)).containsExactly("version", "generated_at", "backups", "summary", "history");
        assertThat(json.get("version").asText()).isEqualTo(JsonDocument.VERSION);
        assertThat(Instant.parse(json.get("generated_at").asText())).isNotNull();
        assertThat(json.get("backups")).hasSize(2);
        // verify --all adds the category checks: the backups above were made in 2025, long ago
        assertThat(keys(json.get("history"))).containsExactly("daily", "weekly");
        assertThat(keys(json.get("history").get("daily"))).containsExactly("freshness", "retention");
        assertThat(json.at("/history/daily/freshness/status").asText()).isEqualTo("FAILED");
        assertThat(json.at("/history/daily/retention/status").asText()).isEqualTo("WARNING");
        json.get("history").forEach(c -> c.forEach(x -> assertThat(keys(x)).containsExactly("status", "message")));
        for (JsonNode b : json.get("backups")) {
            assertThat(keys(b)).containsExactly("file", "category", "size_bytes", "status", "checks");
            assertThat(keys(b.get("checks")))
                    .containsExactly(
                            "size",
                            "metadata",
                            "checksum",
                            "gzip_integrity",
                            "extractable",
                            "format",
                            "dump_complete",
                            "size_anomaly");
            b.get("checks").forEach(c -> assertThat(keys(c)).containsExactly("status", "message"));
        }
        JsonNode first = json.get("backups").get(0);
        assertThat(first.get("file").asText()).isEqualTo(good.toAbsolutePath().toString());
        assertThat(first.get("category").asText()).isEqualTo("daily");
        assertThat(first.get("size_bytes").asLong()).isEqualTo(Files.size(good));
        assertThat(first.get("status").asText()).isEqualTo("PASSED");
        JsonNode second = json.get("backups").get(1);
        assertThat(second.get("category").asText()).isEqualTo("weekly");
        assertThat(second.get("status").asText()).isEqualTo("FAILED");
        assertThat(second.at("/checks/gzip_integrity/status").asText()).isEqualTo("FAILED");
        assertThat(second.at("/checks/gzip_integrity/message").asText()).contains("truncated");
        assertThat(keys(json.get("summary"))).containsExactly("total", "passed", "warnings", "failed", "errors");
        assertThat(json.at("/summary/total").asInt()).isEqualTo(2);
        assertThat(json.at("/summary/passed").asInt()).isEqualTo(1);
        assertThat(json.at("/summary/warnings").asInt()).isZero();
        assertThat(json.at("/summary/failed").asInt()).isEqualTo(1);
        assertThat(json.at("/summary/errors").asInt()).isZero();
    }

    @Test
    void seedStyleLinesAndExitZeroForAGoodBackup() {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.run("verify", good.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines())
                .contains(
                        "[INFO] Verifying backup: " + good.toAbsolutePath(),
                        "[SUCCESS] Gzip integrity verified (1 member)",
                        "[SUCCESS] SHA256 checksum verified (sidecar)",
                        "[SUCCESS] Backup verification completed: backup_20251227_120000.gz");
    }

    @Test
    void failedBackupExitsOneWithTheCheckSaid() {
        Path bad = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Fixtures.flipByte(bad, 600);
        Cli.Result r = cli.run("verify", bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("[ERROR] SHA256 checksum mismatch: expected ");
        assertThat(r.out())
                .contains("[ERROR] Backup verification FAILED: backup_20251227_120000.gz (checksum, gzip_integrity");
    }

    @Test
    void withoutArgumentsTheLatestBackupByCreatedAtIsVerified() {
        Path older = Fixtures.write(backups.resolve("z_backup.gz"), Fixtures.bytes("shop.sql.gz"));
        Fixtures.sidecar(older, "2025-12-20T12:00:00Z", null);
        Path newer = Fixtures.write(backups.resolve("a_backup.gz"), Fixtures.bytes("shop.sql.gz"));
        Fixtures.sidecar(newer, "2025-12-27T12:00:00Z", null);
        Cli.Result r = cli.run("verify", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(newer.toAbsolutePath().toString()).doesNotContain("z_backup.gz");
    }

    @Test
    void runLogIsWrittenInTheSeedFormat() throws Exception {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        assertThat(cli.run("verify", good.toString()).exit()).isZero();
        Path logs = backups.resolve("verification_logs");
        try (Stream<Path> files = Files.list(logs)) {
            Path log = files.filter(p -> p.getFileName().toString().matches("verification_\\d{8}_\\d{6}\\.log"))
                    .findFirst()
                    .orElseThrow();
            List<String> lines = Files.readAllLines(log);
            assertThat(lines)
                    .allMatch(l -> l.matches(
                            "\\[\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}] \\[(INFO|SUCCESS|WARNING|ERROR)] .+"));
            assertThat(lines).anyMatch(l -> l.endsWith("[SUCCESS] Gzip integrity verified (1 member)"));
            assertThat(lines.get(lines.size() - 1))
                    .endsWith("[SUCCESS] Verified 1 backup: 1 passed, 0 with warnings, 0 failed");
        }
    }

    @Test
    void badFlagIsAUsageErrorNamingIt() {
        Cli.Result r = cli.run("verify", "--everything");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).isEqualTo("[ERROR] Unknown option: '--everything'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badConfigurationValueIsOneLineNamingTheKey() {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.env("MIN_BACKUP_SIZE", "lots").run("verify", "--all");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo(
                        "[ERROR] MIN_BACKUP_SIZE (check.min-size): 'lots' is not a size such as 100B, 500MB or 100GB");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingBackupDirectoryIsAConfigurationError() {
        Cli.Result r =
                cli.run("verify", "--all", "--dir", root.resolve("nowhere").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("[ERROR] BACKUP_DIR (backup.dir): ").contains("nowhere is not a directory");
    }

    @Test
    void missingFileAndContradictoryArgumentsAreUsageErrors() {
        assertThat(cli.run("verify", root.resolve("absent.gz").toString()).exit())
                .isEqualTo(2);
        Cli.Result both = cli.run("verify", "--all", "x.gz");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("give FILE arguments or --all, not both");
        assertThat(cli.run().exit()).isEqualTo(2);
    }

    @Test
    void emptyBackupDirectoryFails() throws Exception {
        Files.createDirectories(backups);
        Cli.Result r = cli.run("verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("[ERROR] No backups found in");
    }

    @Test
    void dotEnvInTheWorkingDirectoryIsReadAndTheEnvironmentWins() throws Exception {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Files.writeString(root.resolve(".env"), "# like the seed's .env\nMIN_BACKUP_SIZE=1MB\n");
        Cli.Result r = cli.run("verify", good.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("File too small");
        assertThat(cli.env("MIN_BACKUP_SIZE", "100B")
                        .run("verify", good.toString())
                        .exit())
                .isZero();
    }

    @Test
    void resultsStoreDownDoesNotStopVerification() {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Path bad = Fixtures.backup(backups, "shop.sql.gz", "backup_20251226_120000.gz");
        Fixtures.truncate(bad, 3000);
        cli.env("RESULTS_DB_URL", "jdbc:postgresql://127.0.0.1:1/nothing_listens_here");
        // each command waits for the store more than once, 3 s each: what is proved is going on without it
        StoreWaitForTests.shorten(500); // back to 3 s after each test
        Cli.Result ok = cli.run("verify", good.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("[SUCCESS] Backup verification completed: backup_20251227_120000.gz");
        Cli.Result failed = cli.run("verify", "--alert", bad.toString());
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).contains("[ERROR] Backup verification FAILED: backup_20251226_120000.gz");
        // no memory of earlier alerts without the store: the alert goes out (here: into the outbox) all the same
        assertThat(backups.resolve("verification_logs/outbox")).isNotEmptyDirectory();
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args :
                List.of(new String[] {"--help"}, new String[] {"verify", "--help"}, new String[] {"run", "--help"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out())
                    .startsWith("Usage: backup-verifier")
                    .contains("Exit codes:")
                    .doesNotContain("[ERROR]");
        }
    }
}
