package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.backupverifier.checks.CheckStatus;
import io.backupverifier.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore test that cannot run for a reason outside the backup (no test server, an unusable
 * work directory, an unreadable file, a full disk) is ERROR naming the cause, never FAILED.
 */
class RestoreErrorTest {

    @TempDir
    Path dir;

    private RestoreResult restoreTest(Path work, Supplier<RestoreTarget> targets, Path backup) {
        RestoreTester.Options o = new RestoreTester.Options("err", 2, work, "", 1, List.of(), false, Map.of());
        return Testers.of(o, targets, dir).test(backup);
    }

    @Test
    void unreachableTestServerIsAnError() {
        ExternalTarget nobodyHome = new ExternalTarget("127.0.0.1", 1, "postgres", "");
        RestoreResult r =
                restoreTest(dir.resolve("work"), () -> nobodyHome, Fixtures.backup(dir, "shop.sql.gz", "backup.gz"));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
        assertThat(r.checks().get("restore").message())
                .startsWith("Cannot create the test database on PostgreSQL server 127.0.0.1:1: ")
                .contains("refused");
        assertThat(r.status()).isEqualTo(CheckStatus.ERROR);
    }

    @Test
    void testServerThatCannotStartIsAnError() {
        RestoreResult r = restoreTest(
                dir.resolve("work"),
                () -> {
                    throw new UncheckedIOException(
                            new IOException("Cannot start the embedded PostgreSQL: initdb failed"));
                },
                Fixtures.backup(dir, "shop.sql.gz", "backup.gz"));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
        assertThat(r.checks().get("restore").message()).startsWith("Cannot start the test server: ");
    }

    @Test
    void unusableWorkDirectoryIsAnErrorNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path work = file.resolve("work"); // its parent is a file: nothing can be written there, root or not
        RestoreResult r = restoreTest(
                work,
                () -> {
                    throw new AssertionError("no server is needed to see that");
                },
                Fixtures.backup(dir, "shop.sql.gz", "backup.gz"));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
        assertThat(r.checks().get("restore").message())
                .startsWith("Cannot write the restore work directory " + work + " (RESTORE_WORK_DIR)");
        RestoreResult sqlite = restoreTest(work, () -> null, Fixtures.backup(dir, "shop.sqlite.gz", "app.sqlite.gz"));
        assertThat(sqlite.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
    }

    @Test
    void unreadableBackupIsAnError() throws Exception {
        assumeFalse(EmbeddedServer.jvmIsRoot(), "root reads any file: permission denied cannot happen");
        Path backup = Fixtures.backup(dir, "shop.sql.gz", "backup.gz");
        Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("---------"));
        RestoreResult r = restoreTest(dir.resolve("work"), () -> null, backup);
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
        assertThat(r.checks().get("restore").message()).contains("permission denied");
    }

    @Test
    void hostProblemsAreToldApartFromDumpProblems() {
        assertThat(RestoreTester.environmentFault(new AccessDeniedException("/backups/x.gz")))
                .isTrue();
        assertThat(RestoreTester.environmentFault(new IOException("No space left on device")))
                .isTrue();
        assertThat(RestoreTester.environmentFault("Restore failed: No space left on device"))
                .isTrue();
        assertThat(RestoreTester.environmentFault(
                        "Line 12: ERROR: could not extend file \"base/1/2\": No space left on device"))
                .isTrue();
        assertThat(RestoreTester.environmentFault(new ZipException("Not in GZIP format")))
                .isFalse();
        // what the test server's build or installation lacks is not the backup's fault
        assertThat(RestoreTester.environmentFault("Line 8209: ERROR: compression method lz4 not supported "
                        + "(in: ALTER TABLE ONLY public.cmdata ALTER COLUMN f1 SET COMPRESSION lz4;)"))
                .isTrue();
        assertThat(RestoreTester.environmentFault("Line 20: ERROR: could not open extension control file "
                        + "\"/usr/share/postgresql/18/extension/postgis.control\": No such file or directory"))
                .isTrue();
        assertThat(RestoreTester.environmentFault("Line 20: ERROR: syntax error at or near \"CREAT\""))
                .isFalse();
        assertThat(RestoreTester.environmentFault(
                        "Line 40: ERROR: permission denied for schema public (in: CREATE TABLE x)"))
                .isFalse();
        assertThat(RestoreTester.environmentFault("Line 7: ERROR: syntax error at or near \"CRATE\""))
                .isFalse();
        assertThat(RestoreTester.environmentFault(
                        "Line 5: ERROR: permission denied to create role (in: CREATE ROLE x)"))
                .isFalse();
        assertThat(RestoreTester.environmentFault(
                        "pg_restore failed (exit 1): pg_restore: error: could not open input file "
                                + "\"/b/x.dump\": Permission denied"))
                .isTrue();
        assertThat(RestoreTester.environmentFault(
                        "Restore failed: An I/O error occurred while sending to the backend."))
                .isTrue();
    }
}
