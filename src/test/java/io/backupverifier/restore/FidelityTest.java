package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restore fidelity: each committed dump of the torture schema (scripts/make-fidelity-fixtures.sh,
 * one per pg_dump mode) restored by {@link PlainDumpRestorer} into the embedded server, as a role
 * without superuser that owns the database, gives exactly the catalog snapshot (every object's
 * definition, comment, privilege, sequence value and a digest of every table's data) of a psql
 * restore of the same dump on the same PostgreSQL build.
 */
class FidelityTest {

    /** The restore tests' shared embedded server: a server of the class's own cost an initdb and a start. */
    @RegisterExtension
    static final EmbeddedServerPerClass PG = new EmbeddedServerPerClass("bv-fidelity");

    static Path spool;
    static String snapshotSql;

    @BeforeAll
    static void start() throws Exception {
        spool = PG.work();
        snapshotSql = text("fidelity/snapshot.sql");
        try (Connection c = PG.server().admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getString(1))
                    .as("the expected snapshots were made on the embedded PostgreSQL of their time: "
                            + "run scripts/make-fidelity-fixtures.sh after changing its version")
                    .isEqualTo(text("fidelity/server-version.txt").strip());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "default",
                "inserts",
                "column-inserts",
                "rows-per-insert",
                "create",
                "clean-if-exists",
                "quote-all-identifiers",
                "no-owner",
                "load-via-partition-root",
                "crlf",
                "latin1",
                "superuser-objects"
            })
    void restoresWhatPsqlRestores(String mode) throws Exception {
        TestDatabase db = create(PG.server()::admin, "127.0.0.1", embeddedPort(), "fidelity_" + mode.replace('-', '_'));
        try {
            restoresWhatPsqlRestores(mode, db);
        } finally {
            try (Connection admin = PG.server().admin()) {
                TestDatabases.drop(admin, db); // the server stays for the next class
            }
        }
    }

    private static void restoresWhatPsqlRestores(String mode, TestDatabase db) throws Exception {
        RestoreOutcome outcome = new PlainDumpRestorer(db::connectForRestore, 3, spool)
                .restore(new ByteArrayInputStream(Fixtures.gunzip(Fixtures.bytes("fidelity/" + mode + ".sql.gz"))));
        assertThat(outcome.error()).isNull();
        if (mode.equals("superuser-objects")) {
            // what psql's restore fails on too: the extension, the C and internal functions, the publication,
            // the subscription, the event trigger, and the comments on them
            assertThat(outcome.superuserOnly().count()).isEqualTo(10);
            assertThat(outcome.superuserMessage())
                    .startsWith(
                            "10 statements need superuser and were not restored: "
                                    + "CREATE EXTENSION IF NOT EXISTS file_fdw WITH SCHEMA public; (line 25), COMMENT ON EXTENSION file_fdw IS ");
            assertThat(outcome.superuserOnly().first())
                    .extracting(RestoreOutcome.Skip::line)
                    .containsExactly(25L, 32L, 39L, 50L, 57L);
        } else {
            assertThat(outcome.superuserMessage()).isNull();
        }
        assertThat(snapshot(db))
                .containsExactlyElementsOf(
                        text("fidelity/" + mode + ".snapshot.txt").lines().toList());
        if (mode.equals("clean-if-exists")) {
            // the DROP section of an empty database: pg_dump's unguarded ALTER DOMAIN ... DROP CONSTRAINT fails, as
            // under psql
            // the same error, on the same line, as psql's restore reported (make-fidelity-fixtures.sh kept psql's
            // errors)
            String psqlLine = text("fidelity/clean-if-exists.psql-errors.txt")
                    .lines()
                    .filter(l -> l.endsWith("ERROR:  schema \"app\" does not exist"))
                    .findFirst()
                    .orElseThrow()
                    .replaceAll("^line (\\d+):.*", "$1");
            assertThat(outcome.cleanErrorMessage())
                    .isEqualTo("1 statement of the dump's leading DROP section "
                            + "failed (as under psql, the restore went on): ALTER DOMAIN app.positive DROP CONSTRAINT IF EXISTS ... "
                            + "(line " + psqlLine + ": ERROR: schema \"app\" does not exist)");
        } else {
            assertThat(outcome.cleanErrorMessage()).isNull();
        }
    }

    /**
     * The oracle of the fidelity issue, where the machine has PostgreSQL's client tools and a local
     * server (127.0.0.1:5432, user postgres): psql and the restorer restore the same dump side by
     * side, and pg_dump --no-owner --no-privileges of both must be identical, schema and data.
     */
    @ParameterizedTest
    @ValueSource(strings = {"default", "clean-if-exists", "crlf", "latin1", "superuser-objects"})
    void pgDumpOfTheRestoreEqualsPgDumpOfAPsqlRestoreOnALocalServer(String mode) throws Exception {
        Assumptions.assumeTrue(
                localServer(), "needs psql, pg_dump and a PostgreSQL server at 127.0.0.1:5432 (user postgres)");
        byte[] dump = Fixtures.gunzip(Fixtures.bytes("fidelity/" + mode + ".sql.gz"));
        // names of this process's own on the shared local server (other test JVMs may run this test at the same time)
        String suffix = mode.replace('-', '_') + "_" + ProcessHandle.current().pid();
        TestDatabase byPsql = create(FidelityTest::local, "127.0.0.1", 5432, "bv_fidelity_psql_" + suffix);
        TestDatabase byUs = create(FidelityTest::local, "127.0.0.1", 5432, "bv_fidelity_ours_" + suffix);
        try {
            Path file = spool.resolve(mode + ".sql");
            Files.write(file, dump);
            // psql's restore and ours are independent, then so are the two pg_dumps: each pair runs at once
            Future<String> psql = inBackground(() -> run(
                    List.of(
                            "psql",
                            "-X",
                            "-q",
                            "-o",
                            "/dev/null",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            byPsql.role(),
                            "-d",
                            byPsql.database(),
                            "-f",
                            file.toString()),
                    byPsql.password()));
            RestoreOutcome outcome =
                    new PlainDumpRestorer(byUs::connectForRestore, 3, spool).restore(new ByteArrayInputStream(dump));
            psql.get(120, TimeUnit.SECONDS);
            assertThat(outcome.error()).isNull();
            Future<String> psqlsDump = inBackground(() -> pgDump(byPsql));
            assertThat(pgDump(byUs)).isEqualTo(psqlsDump.get(120, TimeUnit.SECONDS));
        } finally {
            try (Connection admin = local()) {
                TestDatabases.drop(admin, byPsql);
                TestDatabases.drop(admin, byUs);
            }
        }
    }

    private static String pgDump(TestDatabase db) throws Exception {
        String out = run(
                List.of(
                        "pg_dump",
                        "--no-owner",
                        "--no-privileges",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-d",
                        db.database()),
                null);
        // pg_dump's random \restrict key and the database's own name differ between the two restores
        return out.lines()
                .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .map(l -> l.replace(db.database(), "DB") + "\n")
                .collect(Collectors.joining()); // not a reduce of String +: that copied the whole dump per line
    }

    private static <T> Future<T> inBackground(Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, "bv-fidelity-psql");
        t.setDaemon(true);
        t.start();
        return task;
    }

    private static String run(List<String> command, String password) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        if (password != null) {
            pb.environment().put("PGPASSWORD", password);
        }
        Path err = Files.createTempFile(spool, "stderr-", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Files.deleteIfExists(err);
        return new String(out, StandardCharsets.UTF_8);
    }

    private interface Admin {
        Connection connect() throws SQLException;
    }

    /** A role without superuser and a database it owns, as a restore test makes them (without the checking tools). */
    private static TestDatabase create(Admin admin, String host, int port, String name) throws SQLException {
        String role = name + "_owner";
        String password = Long.toHexString(System.nanoTime());
        try (Connection c = admin.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + role);
            s.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + password + "'");
            // the locale of the server the snapshots were made on (initdb --locale=C), whatever this one's default
            s.execute("CREATE DATABASE " + name + " OWNER " + role
                    + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        }
        return new TestDatabase(host, port, name, role, password, "postgres", "");
    }

    private static List<String> snapshot(TestDatabase db) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(snapshotSql)) {
            while (rs.next()) {
                lines.addAll(rs.getString(1).lines().toList()); // as psql -At prints it: a value's own line breaks too
            }
        }
        return lines;
    }

    private static int embeddedPort() throws SQLException {
        try (Connection c = PG.server().admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_catalog.inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String text(String fixture) {
        return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
    }

    private static Connection local() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", p);
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    private static boolean localServer() {
        try (Connection c = local()) {
            return new ProcessBuilder("pg_dump", "--version").start().waitFor() == 0
                    && new ProcessBuilder("psql", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
