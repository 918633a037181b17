package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-ASCII file names under cron, where LANG is unset and the JVM decodes file names as
 * ASCII (sun.jnu.encoding = ANSI_X3.4-1968): {@code café_backup.gz} used to stop
 * {@code verify --all} with "Malformed input or input contains unmappable characters".
 * Runs the real command line in its own JVM with no locale at all.
 */
class LocaleTest {

    @TempDir
    Path root;

    /** A file in {@code dir} named by its raw bytes, whatever this JVM's own locale. */
    private static Path named(Path dir, String percentEncodedName) {
        return Path.of(URI.create(dir.toAbsolutePath().toUri() + percentEncodedName));
    }

    @Test
    void aNonAsciiNameIsVerifiedAndItsSidecarFoundWithNoLocale() throws Exception {
        Path backups = Files.createDirectories(root.resolve("backups"));
        Path cafe = named(backups, "caf%C3%A9_backup.gz"); // café_backup.gz in UTF-8
        Files.write(cafe, Fixtures.bytes("shop.sql.gz"));
        Files.write(
                named(backups, "caf%C3%A9_backup.gz.meta.json"),
                ("{\"file\": \"caf\u00e9_backup.gz\", " + "\"created_at\": \"2025-12-27T12:00:00Z\", \"sha256\": \""
                                + Fixtures.sha256(cafe) + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        Fixtures.truncate(cafe, 3000); // the sidecar's checksum no longer holds
        Path latin1 = named(backups, "caf%E9_latin1.gz"); // not valid UTF-8 at all
        Files.write(latin1, Fixtures.bytes("shop.sql.gz"));
        Files.write(
                named(backups, "caf%E9_latin1.gz.sha256"),
                (Fixtures.sha256(latin1) + "\n").getBytes(StandardCharsets.UTF_8));
        Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");

        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dbackup-verifier.home=" + Path.of("").toAbsolutePath(),
                        "io.backupverifier.cli.BackupVerifierCli",
                        "verify",
                        "--all")
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("out.txt").toFile());
        pb.environment().clear(); // cron: no LANG, no LC_*
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("BACKUP_DIR", backups.toString());
        pb.environment().put("VERIFICATION_LOG_DIR", root.resolve("logs").toString());
        pb.environment().put("RESTORE_ON_SUSPECT", "false");
        pb.directory(root.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("verify --all ends").isTrue();
        String out = Files.readString(root.resolve("out.txt"), StandardCharsets.ISO_8859_1);

        assertThat(out).doesNotContain("Malformed input").doesNotContain("unmappable");
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("Verified 3 backups: 1 passed, 0 with warnings, 2 failed");
        // the truncated café backup: FAILED, and its sidecar was found (the checksum in it disagrees)
        assertThat(out.lines().filter(l -> l.startsWith("[ERROR] Backup verification FAILED: caf")))
                .anySatisfy(l ->
                        assertThat(l).contains("_backup.gz (checksum, gzip_integrity, extractable, dump_complete)"));
        // the Latin-1 name is read too (its .sha256 found by bytes): only the missing sidecar fails it
        assertThat(out.lines().filter(l -> l.startsWith("[ERROR] Backup verification FAILED: caf")))
                .anySatisfy(l -> assertThat(l).contains("_latin1.gz (metadata)"));
        assertThat(out).contains("SHA256 checksum verified");
    }
}
