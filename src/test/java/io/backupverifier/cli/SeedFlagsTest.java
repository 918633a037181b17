package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's flags in existing cron lines keep working, and say what replaces them. */
class SeedFlagsTest {

    @TempDir
    Path root;

    private static String[] translate(String... args) {
        return SeedFlags.translate(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void backupFileVerifiesThatFile() {
        Path b = Fixtures.backup(root.resolve("backups"), "shop.sql.gz", "backup_20251227_120000.gz");
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .run("--backup-file", b.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err())
                .contains("[INFO] --backup-file is the old script's flag; running: backup-verifier verify " + b);
        assertThat(r.out()).contains("[SUCCESS] Backup verification completed: backup_20251227_120000.gz");
    }

    @Test
    void theOtherFlagsBecomeTheirCommands() {
        assertThat(translate("--database-check")).containsExactly("check-db");
        assertThat(translate("verify", "--database-check", "--json")).containsExactly("check-db", "--json");
        assertThat(translate("--test-restore", "x.gz")).containsExactly("restore-test", "x.gz");
        assertThat(translate("verify", "--backup-file=x.gz", "--alert")).containsExactly("verify", "x.gz", "--alert");
        assertThat(translate("verify", "--all")).containsExactly("verify", "--all");
        assertThat(translate("list", "--backup-file", "x")).containsExactly("list", "--backup-file", "x");
    }
}
