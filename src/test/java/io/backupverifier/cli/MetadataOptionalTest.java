package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.sidecar.MetadataReader;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** METADATA_REQUIRED=false: seed users' backups without a .meta.json sidecar are a WARNING, not FAILED. */
class MetadataOptionalTest {

    @TempDir
    Path root;

    private Path backupWithoutSidecar() throws Exception {
        Path b = Fixtures.backup(root.resolve("backups"), "shop.sql.gz", "backup_20251227_120000.gz");
        Files.delete(MetadataReader.sidecarOf(b));
        return b;
    }

    @Test
    void missingSidecarIsFailedByDefault() throws Exception {
        Path b = backupWithoutSidecar();
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .env("RESTORE_ON_SUSPECT", "false")
                .run("verify", b.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("[ERROR] Metadata file missing: backup_20251227_120000.gz.meta.json");
    }

    @Test
    void missingSidecarIsAWarningWhenNotRequiredAndTheSha256FileStillCounts() throws Exception {
        Path b = backupWithoutSidecar();
        Files.writeString(
                MetadataReader.sha256FileOf(b),
                Fixtures.sha256(b) + "  " + b.getFileName() + "\n",
                StandardCharsets.UTF_8);
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .env("METADATA_REQUIRED", "false")
                .run("verify", b.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains(
                        "[WARNING] Metadata file missing: backup_20251227_120000.gz.meta.json (METADATA_REQUIRED=false; "
                                + "checksum from backup_20251227_120000.gz.sha256)");
        assertThat(r.out()).contains("[SUCCESS] SHA256 checksum verified (backup_20251227_120000.gz.sha256)");
        assertThat(r.out())
                .contains("[WARNING] Backup verification completed with warnings: backup_20251227_120000.gz");
    }

    @Test
    void withNothingKnownTheWarningSaysSoAndTheChecksumIsSkipped() throws Exception {
        Path b = backupWithoutSidecar();
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .env("METADATA_REQUIRED", "false")
                .run("verify", b.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains(
                        "[WARNING] Metadata file missing: backup_20251227_120000.gz.meta.json (METADATA_REQUIRED=false; no checksum known)");
        assertThat(r.out()).contains("checksum skipped");
    }

    @Test
    void aValueOtherThanTrueOrFalseIsAConfigurationError() throws Exception {
        Path b = backupWithoutSidecar();
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .env("METADATA_REQUIRED", "no")
                .run("verify", b.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("METADATA_REQUIRED");
    }
}
