package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/backup-verifier as cron runs it: no LANG, no LC_ALL. The launcher runs from a copy of this
 * installation; the {@code java} it finds first on PATH runs the compiled classes instead of the
 * jar (not built during tests) and passes everything else through unchanged.
 */
class LauncherTest {

    @TempDir
    Path root;

    private Path installation() throws Exception {
        Path home = root.resolve("home");
        for (String dir : new String[] {"bin", "config", "routes"}) {
            Files.createDirectories(home.resolve(dir));
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, home.resolve(dir).resolve(f.getFileName()));
                }
            }
        }
        Files.createDirectories(home.resolve("target"));
        Files.writeString(home.resolve("target/backup-verifier.jar"), "");
        Path fakeBin = Files.createDirectories(root.resolve("fakebin"));
        Path java = fakeBin.resolve("java");
        Files.writeString(java, """
                #!/usr/bin/env bash
                echo "jvm: LC_ALL=${LC_ALL:-} $*" >> "$BV_TEST_JVM_LOG"
                args=(); skip=0
                for a in "$@"; do
                  if [ "$skip" = 1 ]; then skip=0; continue; fi
                  if [ "$a" = -jar ]; then skip=1; args+=(-cp "$BV_TEST_CP" io.backupverifier.cli.BackupVerifierCli); continue; fi
                  args+=("$a")
                done
                exec "$BV_TEST_JAVA" "${args[@]}"
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    @Test
    void nonAsciiBackupNamesAreVerifiedWithoutALocale() throws Exception {
        Path home = installation();
        Path backups = root.resolve("backups");
        Fixtures.backup(backups, "shop.sql.gz", "café_backup.gz");
        Path bad = Fixtures.backup(backups, "shop.sql.gz", "backup_20251228_120000.gz");
        Fixtures.truncate(bad, 3000);

        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        home.resolve("bin/backup-verifier").toString(),
                        "verify",
                        "--all",
                        "--dir",
                        backups.toString())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("out.txt").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
        env.remove("JAVA_HOME"); // the launcher would run $JAVA_HOME/bin/java, not the java on PATH
        env.put("PATH", root.resolve("fakebin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("BV_TEST_CP", System.getProperty("java.class.path"));
        env.put(
                "BV_TEST_JAVA",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("BV_TEST_JVM_LOG", root.resolve("jvm.txt").toString());
        env.put("BACKUP_VERIFIER_CDS", "0");
        env.put("VERIFICATION_LOG_DIR", root.resolve("logs").toString());
        env.put("RESTORE_ON_SUSPECT", "false");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String out = Files.readString(root.resolve("out.txt"), StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("Malformed input");
        assertThat(out).contains("café_backup.gz").contains("Backup verification FAILED: backup_20251228_120000.gz");
        assertThat(p.exitValue()).as("exit code (one backup failed)").isEqualTo(1);
        assertThat(Files.readString(root.resolve("jvm.txt")))
                .startsWith("jvm: LC_ALL=C.UTF-8 ")
                .contains(" -XX:+ExitOnOutOfMemoryError ")
                .contains(" -Dfile.encoding=UTF-8 ");
    }
}
