package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify --all over many backups: the verdicts scroll by as each is done, so the backups to act
 * on are named again, one line each, just above the summary; the progress line's restore note.
 */
class VerifyAllRecapTest {

    @TempDir
    Path root;

    @Test
    void theFailedBackupsAreNamedAgainAboveTheSummary() {
        Path backups = root.resolve("backups");
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251225_120000.gz");
        Path truncated = Fixtures.backup(backups, "shop.sql.gz", "backup_20251226_120000.gz");
        Fixtures.truncate(truncated, 3000);
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = new Cli(root).env("BACKUP_DIR", backups.toString()).run("verify", "--all");
        assertThat(r.exit()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        int summary = lines.size() - 1;
        assertThat(lines.get(summary)).startsWith("[ERROR] Verified 3 backups: 2 passed, 0 with warnings, 1 failed");
        assertThat(lines.get(summary - 1))
                .isEqualTo("[ERROR] Failed: " + truncated.toAbsolutePath()
                        + " (metadata, checksum, gzip_integrity, extractable, dump_complete)");
        assertThat(lines.stream().filter(l -> l.startsWith("[ERROR] Failed: "))).hasSize(1);
    }

    @Test
    void quietPrintsNoRecapItsLinesAreAlreadyOnlyTheFailures() {
        Path backups = root.resolve("backups");
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251226_120000.gz");
        Fixtures.truncate(Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz"), 3000);
        Cli.Result r = new Cli(root).env("BACKUP_DIR", backups.toString()).run("verify", "--all", "--quiet");
        assertThat(r.out()).doesNotContain("[ERROR] Failed: ");
    }

    @Test
    void theRestoreNoteNamesTheBackupAndIsCutToKeepTheLineOnOneTerminalLine() {
        assertThat(ProgressPrinter.restoring(List.of(Path.of("/b/daily/shop_20261120.sql.gz"))))
                .isEqualTo("restore-testing shop_20261120.sql.gz");
        String longName = "a".repeat(100) + ".sql.gz";
        assertThat(ProgressPrinter.restoring(List.of(Path.of("/b", longName), Path.of("/b/x.gz"))))
                .isEqualTo("restore-testing " + "a".repeat(ProgressPrinter.MAX_NAME - 3) + "... and 1 more");
    }
}
