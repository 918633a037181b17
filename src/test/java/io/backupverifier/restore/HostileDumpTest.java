package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.sidecar.MetadataReader;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real pg_dump output of a hostile database (scripts/make-hostile-fixtures.sh): functions and
 * operators that shadow what a check might call unqualified, each springing a trap (a program
 * run on the server, a superuser role) if a superuser ever runs it. The restore and every
 * check must work on the real objects and spring no trap.
 */
class HostileDumpTest {

    static final Path MARKER = Path.of("/tmp/bv_hostile_marker");
    static Path work;
    static EmbeddedTarget server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("bv-hostile-test");
        server = SharedEmbeddedTarget.get();
    }

    @AfterAll
    static void removeWork() throws Exception {
        OrphanServers.deleteTree(work);
    }

    @BeforeEach
    void noMarker() throws Exception {
        Files.deleteIfExists(MARKER);
    }

    private RestoreResult restoreTest(String fixture, String name) {
        RestoreTester.Options o = new RestoreTester.Options(
                "hostile",
                2,
                work,
                "",
                2,
                List.of("accounts", "entries"),
                true,
                Map.of("accounts_without_name", "SELECT count(*) FROM accounts WHERE name = ''"));
        return new RestoreTester(
                        o,
                        () -> server,
                        true,
                        new BackupCatalog(dir, List.of("*"), List.of()),
                        new MetadataReader(),
                        Clock.systemDefaultZone())
                .test(Fixtures.backup(dir, fixture, name), true);
    }

    private static boolean roleExists(String role) throws SQLException {
        try (Connection c = server.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '" + role + "'")) {
            return rs.next();
        }
    }

    private static void assertNothingHappenedOutside(RestoreResult r) throws SQLException {
        assertThat(MARKER).as("a program ran on the server as superuser").doesNotExist();
        assertThat(roleExists("bv_hostile_evil"))
                .as("the dump created a superuser")
                .isFalse();
        r.checks()
                .forEach((id, c) ->
                        assertThat(c.status()).as(id + ": " + c.message()).isEqualTo(CheckStatus.PASSED));
        // the real indexes were checked, not the dump's stand-in: 3 btree leaves; the hash and the partitioned parent
        // are out of scope
        assertThat(r.checks().get("amcheck").message())
                .isEqualTo("amcheck: 3 btree indexes verified (heapallindexed), 2 out of scope");
        assertThat(r.checks().get("key_tables").message())
                .isEqualTo("Key tables present and not empty: accounts, entries");
        assertThat(r.rowCounts()).containsEntry("public.accounts", 2L).containsEntry("public.entries", 2L);
        // the dump's own code ran as the restore role (REFRESH MATERIALIZED VIEW at its end)
        try (Connection c = r.keptDatabase().connectForChecks();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT who FROM public.restored_by")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(r.keptDatabase().role());
        } finally {
            r.release();
        }
    }

    @Test
    void plainDumpWithShadowingFunctionsAndOperatorsSpringsNoTrap() throws Exception {
        RestoreResult r = restoreTest("hostile/hostile.sql.gz", "hostile_20251227_120000.sql.gz");
        assertNothingHappenedOutside(r);
    }

    @Test
    void customArchiveRestoredByPgRestoreSpringsNoTrap() throws Exception {
        assumeTrue(
                CustomArchiveRestorer.find("").isPresent(), "pg_restore is not installed: skipping the custom archive");
        RestoreResult r = restoreTest("hostile/hostile.dump", "hostile_20251227_120000.dump");
        assertThat(r.checks().get("restore").message()).contains("(pg_restore)");
        assertNothingHappenedOutside(r);
    }

    @Test
    void aDumpThatSetsItsDatabasesRoleCannotTurnTheAdminIntoTheRestoreRole() throws Exception {
        // ALTER DATABASE ... SET role applies to every later session, the admin's too: its amcheck
        // install then ran as the restore role and amcheck was SKIPPED, blamed on the test server
        String dump = new String(
                Fixtures.gunzip(Fixtures.bytes("hostile/hostile.sql.gz")), java.nio.charset.StandardCharsets.UTF_8);
        int trailer = dump.indexOf("-- PostgreSQL database dump complete");
        String hostile =
                dump.substring(0, trailer) + "DO $$BEGIN EXECUTE pg_catalog.format('ALTER DATABASE %I SET role = %L',"
                        + " pg_catalog.current_database(), CURRENT_USER); END$$;\n\n" + dump.substring(trailer);
        Path backup = Fixtures.write(
                dir.resolve("role_20251227_120000.sql.gz"),
                Fixtures.gzip(hostile.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        RestoreTester.Options o = new RestoreTester.Options("hostile", 2, work, "", 2, List.of(), false, Map.of());
        RestoreResult r = new RestoreTester(
                        o,
                        () -> server,
                        true,
                        new BackupCatalog(dir, List.of("*"), List.of()),
                        new MetadataReader(),
                        Clock.systemDefaultZone())
                .test(backup, false);
        assertThat(r.checks().get("amcheck").status())
                .as(r.checks().get("amcheck").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("amcheck").message())
                .isEqualTo("amcheck: 3 btree indexes verified (heapallindexed), 2 out of scope");
        assertThat(MARKER).doesNotExist();
    }

    /** A gzip backup whose content starts as {@code head} and goes on with 20 MB of {@code filler}. */
    private Path bomb(String name, byte[] head, byte filler) throws Exception {
        Path file = dir.resolve(name);
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(head);
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, filler);
            for (int i = 0; i < 20; i++) {
                out.write(chunk);
            }
        }
        return file;
    }

    private RestoreResult restoreTestWithin10Mb(Path backup) {
        RestoreTester.Options o = new RestoreTester.Options("hostile", 2, work, "", 2, List.of(), false, Map.of())
                .withExpansionLimits(10_000_000, 1000);
        return new RestoreTester(
                        o,
                        () -> server,
                        true,
                        new BackupCatalog(dir, List.of("*"), List.of()),
                        new MetadataReader(),
                        Clock.systemDefaultZone())
                .test(backup, false);
    }

    @Test
    void gzipBombIsNotCopiedIntoTheWorkDirectoryBeyondMaxExpandedSize() throws Exception {
        // a gzip'd SQLite file is copied inflated into the work directory: a bomb filled the disk
        Path backup = bomb(
                "bomb.sqlite.gz", "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), (byte) 0);
        RestoreResult r = restoreTestWithin10Mb(backup);
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .isEqualTo("Cannot read the backup: the backup's content is larger than "
                        + "MAX_EXPANDED_SIZE (9.5 MiB): not read further");
        try (var left = Files.list(work)) {
            assertThat(left.filter(f -> f.getFileName().toString().startsWith("sqlite-")))
                    .as("copies left in the work directory")
                    .isEmpty();
        }
    }

    @Test
    void plainDumpGzipBombStopsAtMaxExpandedSize() throws Exception {
        Path backup = bomb(
                "bomb.sql.gz",
                "--\n-- PostgreSQL database dump\n--\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                (byte) '\n');
        RestoreResult r = restoreTestWithin10Mb(backup);
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .isEqualTo("Restore failed: Dump is not valid: the backup's content is larger "
                        + "than MAX_EXPANDED_SIZE (9.5 MiB): not read further");
    }

    @Test
    void customArchiveWithAnEventTriggerIsAWarningNamingItNotAFailure() throws Exception {
        assumeTrue(
                CustomArchiveRestorer.find("").isPresent(), "pg_restore is not installed: skipping the custom archive");
        // the plain dump of such a database was a WARNING; through pg_restore --exit-on-error it was FAILED
        RestoreResult r = restoreTest("hostile/superuser-objects.dump", "su_20251227_120000.dump");
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.WARNING);
        assertThat(r.checks().get("restore").message())
                .startsWith("2 statements need superuser and were not restored: "
                        + "CREATE EVENT TRIGGER note_ddl ON ddl_command_end ..., COMMENT ON EVENT TRIGGER note_ddl IS 'only a superuser can "
                        + "create this'; (Backup restored successfully");
        assertThat(r.checks().get("key_tables").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.rowCounts()).containsEntry("public.accounts", 2L).containsEntry("public.entries", 2L);
        r.release();
    }

    @Test
    void thousandsOfSessionSettingsFailTheRestoreInsteadOfSlowingItForHours() throws Exception {
        // every SET copied all earlier ones into a new snapshot: 30,000 of them took 13 s, a million hours
        String dump = new String(
                Fixtures.gunzip(Fixtures.bytes("hostile/hostile.sql.gz")), java.nio.charset.StandardCharsets.UTF_8);
        int at = dump.indexOf("CREATE TABLE");
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sets.append("SET bv.s").append(i).append(" = '1';\n");
        }
        Path backup = Fixtures.write(
                dir.resolve("sets_20251227_120000.sql.gz"),
                Fixtures.gzip((dump.substring(0, at) + sets + dump.substring(at))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        RestoreResult r = restoreTestWithin10Mb(backup);
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "Restore failed: Line (\\d+): the dump sets more than 1000 different "
                                + "session settings: not a dump pg_dump writes \\(it sets about ten\\)")
                .matcher(r.checks().get("restore").message());
        assertThat(m.matches()).as(r.checks().get("restore").message()).isTrue();
        List<String> lines = new String(
                        Fixtures.gunzip(Files.readAllBytes(backup)), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(lines.get(Integer.parseInt(m.group(1)) - 1))
                .as("the line named")
                .startsWith("SET bv.s");
    }

    @Test
    void keptDatabaseIsTheBackupsWithoutTheCheckingTools() throws Exception {
        RestoreTester.Options o = new RestoreTester.Options("hostile", 2, work, "", 2, List.of(), false, Map.of());
        RestoreResult r = new RestoreTester(
                        o,
                        () -> server,
                        true,
                        new BackupCatalog(dir, List.of("*"), List.of()),
                        new MetadataReader(),
                        Clock.systemDefaultZone())
                .test(Fixtures.backup(dir, "hostile/hostile.sql.gz", "h.sql.gz"), true);
        try (Connection c = r.keptDatabase().connectForChecks();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT (SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'amcheck'),"
                                + " (SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname LIKE 'bv\\_amcheck%')")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("amcheck extension left in the kept database")
                    .isZero();
            assertThat(rs.getInt(2))
                    .as("bv_amcheck schema left in the kept database")
                    .isZero();
        } finally {
            r.release();
        }
        assertThat(r.checks().get("amcheck").status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void embeddedServerRunsAsAnUnprivilegedUserWhoCannotWriteTheBackups() throws Exception {
        assumeTrue(EmbeddedServer.jvmIsRoot(), "this JVM is not root: the server runs as its user anyway");
        Path backups = Files.createDirectories(dir.resolve("backups"));
        try (Connection c = server.admin();
                Statement s = c.createStatement()) {
            int pid;
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            assertThat((Integer) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid"))
                    .as("server process uid")
                    .isNotZero();
            // even the server's superuser, escaping to the shell, cannot write the backups
            try {
                s.execute("COPY (SELECT 1) TO PROGRAM 'touch " + backups.resolve("planted") + "'");
            } catch (SQLException expected) {
                assertThat(expected.getMessage()).contains("failed");
            }
        }
        assertThat(backups.resolve("planted")).doesNotExist();
    }

    @Test
    void rootOrAnUnknownUserForTheServerIsRefusedNamingTheSetting() {
        assumeTrue(EmbeddedServer.jvmIsRoot(), "this JVM is not root: EMBEDDED_PG_USER does not apply");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EmbeddedTarget(work, "root"))
                .hasMessage(
                        "Cannot start the embedded PostgreSQL: the embedded PostgreSQL never runs as root: set EMBEDDED_PG_USER "
                                + "to an unprivileged OS user, or TEST_DB_HOST to a server of yours");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EmbeddedTarget(work, "bv-no-such-user"))
                .hasMessageContaining("EMBEDDED_PG_USER bv-no-such-user is not an OS user here");
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Test
    void adminAccountNeedsItsPassword() throws Exception {
        int port;
        try (Connection c = server.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('port')")) {
            rs.next();
            port = Integer.parseInt(rs.getString(1));
        }
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p)) {
            org.assertj.core.api.Assertions.fail("connected as the admin without a password");
        } catch (SQLException expected) {
            assertThat(expected.getMessage()).containsIgnoringCase("password");
        }
    }
}
