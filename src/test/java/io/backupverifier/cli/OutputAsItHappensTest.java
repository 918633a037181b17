package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.scan.Bytes;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.JsonSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify, restore-test and check-db as an operator and cron see them: one JSON document always, verdicts as they come, --quiet. */
class OutputAsItHappensTest {

    @TempDir
    Path root;

    Path backups;
    Cli cli;

    @BeforeEach
    void setUp() {
        backups = root.resolve("backups");
        cli = new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("RESTORE_WORK_DIR", root.resolve("work").toString())
                .env("RESTORE_ON_SUSPECT", "false");
    }

    @Test
    void verifyJsonOnAnEmptyDirectoryIsOneErrorDocumentWithTheExitCode() throws Exception {
        Files.createDirectories(backups);
        for (String command : List.of("verify", "restore-test")) {
            Cli.Result r = cli.run(command, "--json");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(JsonSchemas.errors("verify.schema.json", r.out())).isEmpty();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("version").asText()).isEqualTo(JsonDocument.VERSION);
            assertThat(json.at("/error/message").asText())
                    .startsWith("No backups found in " + backups.toAbsolutePath());
            assertThat(json.at("/error/exit_code").asInt()).isEqualTo(1);
        }
    }

    @Test
    void verifyJsonOnAConfigurationErrorIsOneErrorDocumentWithExitTwo() throws Exception {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.env("METADATA_REQUIRED", "maybe").run("verify", "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(JsonSchemas.errors("verify.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.at("/error/message").asText()).contains("METADATA_REQUIRED");
        assertThat(json.at("/error/exit_code").asInt()).isEqualTo(2);
    }

    @Test
    void checkDbJsonCarriesVersionAndMatchesTheSchema() throws Exception {
        Path file = Fixtures.write(root.resolve("app.sqlite3"), Fixtures.bytes("shop.sqlite"));
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.toString())
                .env("DATABASE_TYPE", "sqlite")
                .env("DB_NAME", file.toString())
                .env("RESTORE_KEY_TABLES", "customers,orders")
                .run("check-db", "--json");
        assertThat(JsonSchemas.errors("verify.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("version").asText()).isEqualTo(JsonDocument.VERSION);
        assertThat(json.at("/backups/0/checks/key_tables/status").asText()).isEqualTo("PASSED");
    }

    @Test
    void quietVerifyPrintsOnlyTheFailedLinesAndTheSummary() {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Path bad = Fixtures.backup(backups, "shop.sql.gz", "backup_20251226_120000.gz");
        Fixtures.truncate(bad, 3000);
        Cli.Result r = cli.run("verify", "--all", "--quiet");
        assertThat(r.exit()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).allMatch(l -> l.startsWith("[ERROR] "), "only [ERROR] lines");
        assertThat(lines)
                .anyMatch(l -> l.contains(
                        "Backup verification FAILED: backup_20251226_120000.gz (metadata, checksum, gzip_integrity"));
        assertThat(lines).noneMatch(l -> l.contains("backup_20251227_120000.gz"));
        assertThat(lines.get(lines.size() - 1))
                .startsWith("[ERROR] Verified 2 backups: 1 passed, 0 with warnings, 1 failed");
        assertThat(r.err()).as("no terminal: no progress noise").doesNotContain("[PROGRESS]");
    }

    @Test
    void quietVerifyOfAGoodBackupPrintsTheSummaryOnly() {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.run("verify", "-q", good.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList())
                .containsExactly("[SUCCESS] Verified 1 backup: 1 passed, 0 with warnings, 0 failed");
    }

    /** Each backup's verdict reaches stdout while the run still works: its run log has no summary yet. */
    @Test
    void verifyAllPrintsEachVerdictWhenThatBackupIsDone() throws Exception {
        for (int day = 20; day <= 24; day++) {
            Fixtures.backup(backups, "shop.sql.gz", "backup_202512" + day + "_120000.gz");
        }
        Path logDir = backups.resolve("verification_logs");
        List<Boolean> summaryWrittenAtVerdict = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        OutputStream watching = new OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(int b) {
                all.write(b);
                if (b != '\n') {
                    line.append((char) b);
                    return;
                }
                if (line.toString().contains("verification completed: backup_")) {
                    summaryWrittenAtVerdict.add(runLogText(logDir).contains("Verified 5 backups"));
                }
                line.setLength(0);
            }
        };
        Map<String, String> env = new HashMap<>(Map.of("BACKUP_DIR", backups.toString()));
        CliContext ctx = new CliContext(
                new PrintStream(watching, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                env,
                root,
                Path.of("").toAbsolutePath(),
                Clock.systemDefaultZone(),
                false);
        int exit = BackupVerifierCli.execute(ctx, "verify", "--all");
        assertThat(exit)
                .as(all.toString(StandardCharsets.UTF_8))
                .isEqualTo(1); // the 2025 backups are stale: freshness FAILED
        assertThat(summaryWrittenAtVerdict).hasSize(5).containsOnly(false);
        assertThat(all.toString(StandardCharsets.UTF_8)).contains("Verified 5 backups: 5 passed");
    }

    private static String runLogText(Path logDir) {
        if (!Files.isDirectory(logDir)) {
            return "";
        }
        try (Stream<Path> logs = Files.list(logDir)) {
            StringBuilder text = new StringBuilder();
            for (Path p : logs.filter(p -> p.getFileName().toString().startsWith("verification_"))
                    .toList()) {
                text.append(Files.readString(p));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void runProgressLineShowsBackupsDoneMegabytesPerSecondAndEta() {
        assertThat(ProgressPrinter.runLine(12, 50, 120_000_000L, 500_000_000L, 10.0))
                .isEqualTo("12/50 backups, " + Bytes.human(120_000_000L) + " of " + Bytes.human(500_000_000L)
                        + ", 12.0 MB/s, ETA 0:31");
    }

    @Test
    void restoreTestJsonCarriesRowCountsAndDurationsAsNumbers() throws Exception {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.run("restore-test", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(JsonSchemas.errors("verify.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("version").asText()).isEqualTo(JsonDocument.VERSION);
        JsonNode b = json.at("/backups/0");
        assertThat(b.get("restore_ms").isIntegralNumber()).isTrue();
        assertThat(b.get("restore_ms").asLong()).isPositive();
        assertThat(b.get("checks_ms").isIntegralNumber()).isTrue();
        assertThat(b.get("row_counts").size()).isGreaterThan(1);
        b.get("row_counts").forEach(n -> assertThat(n.isIntegralNumber()).isTrue());
        assertThat(b.get("row_counts").toString()).contains("customers");
    }

    @Test
    void restoreTestShowsEachStepAsItHappensAndQuietOnlyTheSummary() throws Exception {
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = cli.run("restore-test");
        assertThat(r.exit()).as(r.err()).isZero();
        // how the load goes (tables loaded of those seen, rows, rows/s), then the verdicts
        List<String> loading =
                r.out().lines().filter(l -> l.startsWith("[INFO] Loading: ")).toList();
        assertThat(loading)
                .isNotEmpty()
                .last()
                .asString()
                .matches("\\[INFO\\] Loading: 13/13 tables, \\d+ rows \\(\\d+ rows/s\\)");
        List<String> lines =
                r.out().lines().filter(l -> !l.startsWith("[INFO] Loading: ")).toList();
        assertThat(lines.get(0)).startsWith("[INFO] Restore test of backup: ").endsWith("backup_20251227_120000.gz");
        assertThat(lines.get(1)).startsWith("[SUCCESS] Backup restored successfully");
        assertThat(lines.get(lines.size() - 1))
                .startsWith("[SUCCESS] Restore test completed: backup_20251227_120000.gz");
        assertThat(lines).as("each line once").doesNotHaveDuplicates().hasSize(10); // start, 8 checks, verdict

        Cli.Result quiet = cli.run("restore-test", "--quiet");
        assertThat(quiet.exit()).isZero();
        assertThat(quiet.out().lines().toList())
                .containsExactly("[SUCCESS] Restore-tested 1 backup: 1 passed, 0 with warnings, 0 failed");
    }
}
