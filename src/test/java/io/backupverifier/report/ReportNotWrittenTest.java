package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.cli.BackupVerifierCli;
import io.backupverifier.cli.CliContext;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report that could not be written is said so, with a non-zero exit; nothing else is announced in its place. */
class ReportNotWrittenTest {

    @TempDir
    Path root;

    Path backups;
    Path logs;
    Cli cli;

    @BeforeEach
    void backups() {
        backups = root.resolve("backups");
        logs = root.resolve("logs");
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        cli = new Cli(root).env("BACKUP_DIR", backups.toString()).env("VERIFICATION_LOG_DIR", logs.toString());
    }

    /**
     * The JSON report's name is taken, for the next two minutes, by a directory that is not
     * empty: the text and HTML files could be written, the JSON one cannot (works as root too).
     */
    private void blockJsonReports() throws Exception {
        LocalDateTime now = LocalDateTime.now();
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
        for (int s = 0; s < 120; s++) {
            Path d = Files.createDirectories(
                    logs.resolve("verification_report_" + now.plusSeconds(s).format(stamp) + ".json"));
            Files.writeString(d.resolve("in-the-way"), "x");
        }
    }

    private long reportFiles(String ext) throws Exception {
        try (var files = Files.list(logs)) {
            return files.filter(p -> p.getFileName().toString().endsWith("." + ext) && Files.isRegularFile(p))
                    .count();
        }
    }

    @Test
    void reportThatCannotBeWrittenIsAnErrorAndNothingIsAnnounced() throws Exception {
        blockJsonReports();
        Cli.Result r = cli.run("report");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains("[ERROR] Cannot write the report into " + logs.toAbsolutePath() + ": ")
                .doesNotContain("Report written");
        // the parts that could be written are not left behind as if the report existed
        assertThat(reportFiles("txt")).isZero();
        assertThat(reportFiles("html")).isZero();

        Cli.Result verify = cli.run("verify", "--all", "--report");
        assertThat(verify.exit())
                .as("the backup passed, but the report asked for was not written")
                .isEqualTo(1);
        assertThat(verify.err())
                .contains("[ERROR] Cannot write the report into ")
                .doesNotContain("Report written");
    }

    @Test
    void reportNamesExactlyTheFilesItWrote() throws Exception {
        Cli.Result r = cli.run("report");
        assertThat(r.exit()).isEqualTo(0);
        for (String ext : new String[] {"txt", "html", "json"}) {
            String line = Arrays.stream(r.err().split("\n"))
                    .filter(l -> l.startsWith("[INFO] Report written: ") && l.endsWith("." + ext))
                    .findFirst()
                    .orElseThrow();
            assertThat(Path.of(line.substring("[INFO] Report written: ".length())))
                    .isRegularFile();
        }
    }

    @Test
    void logDirectoryThatCannotBeCreatedIsAnInstallationErrorNamingIt() throws Exception {
        Files.writeString(logs, "a file where the log directory should be");
        Cli.Result r = cli.run("verify", "--all");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("[ERROR] VERIFICATION_LOG_DIR (log.dir): cannot create " + logs.toAbsolutePath()
                        + " (a file is in the way)")
                .doesNotContain("\tat ")
                .doesNotContain("Exception");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void missingRoutesDirectoryIsAnInstallationErrorNamingIt() throws Exception {
        Path home = Files.createDirectories(root.resolve("install"));
        Files.createDirectories(home.resolve("config"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("BACKUP_DIR", backups.toString(), "VERIFICATION_LOG_DIR", logs.toString()),
                root,
                home,
                Clock.systemDefaultZone(),
                false);
        int exit = BackupVerifierCli.execute(ctx, "verify", "--all");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("[ERROR] Installation error: no routes directory at "
                        + home.resolve("routes").toAbsolutePath()
                        + " (run from the installation directory or set BACKUP_VERIFIER_HOME)");
    }
}
