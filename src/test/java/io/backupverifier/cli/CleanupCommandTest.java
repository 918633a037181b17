package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cleanup} runs the maintenance route and prints what it did, one line each. */
class CleanupCommandTest {

    @TempDir
    Path root;

    private Cli cli(Path logs) throws Exception {
        Path backups = Files.createDirectories(root.resolve("backups"));
        return new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("VERIFICATION_LOG_DIR", logs.toString())
                .env("RESTORE_WORK_DIR", root.resolve("work").toString());
    }

    @Test
    void nothingToDoSaysSoAndExitsZero() throws Exception {
        Cli.Result r = cli(root.resolve("logs")).run("cleanup");
        assertThat(r.out()).isEqualTo("[SUCCESS] Nothing to clean up" + System.lineSeparator());
        assertThat(r.exit()).isZero();
    }

    @Test
    void oldRunLogIsArchivedAndNamed() throws Exception {
        Path logs = Files.createDirectories(root.resolve("logs"));
        Path old = logs.resolve("verification_20200101_020000.log");
        Files.writeString(old, "[2020-01-01 02:00:00] [INFO] Starting backup verification\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(60))));
        Cli.Result r = cli(logs).run("cleanup");
        assertThat(r.out()).contains("[SUCCESS] Archived " + old + " -> verification_20200101_020000.log.gz");
        assertThat(old).doesNotExist();
        assertThat(logs.resolve("verification_20200101_020000.log.gz")).exists();
        assertThat(r.exit()).isZero();
    }
}
