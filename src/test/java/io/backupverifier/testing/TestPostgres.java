package io.backupverifier.testing;

import io.backupverifier.restore.EmbeddedTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL server of the tests that need one: the local server at 127.0.0.1:5432 (user
 * postgres, trust) when it answers, else an embedded one, started once for the whole test run by
 * the application's own launcher ({@link EmbeddedTestServer}: zonky's binaries; as root it runs as
 * an unprivileged user) and opened like the local one: loopback, user postgres, no password. So these
 * tests run everywhere instead of skipping. {@code -Dbv.test.postgres=embedded} takes the embedded
 * one even when a local server answers.
 */
public final class TestPostgres {

    public static final String HOST = "127.0.0.1";
    public static final String USER = "postgres";
    /** The read-only role of {@link #reader()}. */
    public static final String READER = "bv_test_reader";

    private static final int LOCAL_PORT = 5432;
    /** The advisory lock key of {@link #reader()}. */
    private static final long READER_LOCK = 0x62765f7265616465L; // "bv_reade"

    private static int port;
    private static EmbeddedTestServer embedded;

    private TestPostgres() {}

    /** The server's port: 5432, or the embedded server's. */
    public static synchronized int port() {
        if (port == 0) {
            port = !"embedded".equals(System.getProperty("bv.test.postgres")) && localAnswers()
                    ? LOCAL_PORT
                    : startEmbedded();
        }
        return port;
    }

    /** Whether the tests run on the embedded server (its port is not 5432). */
    public static boolean isEmbedded() {
        port();
        return embedded != null;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/database}. */
    public static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** A superuser connection to one database. */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database) + "?connectTimeout=10", USER, "");
    }

    /**
     * A login role that may only read ({@code pg_read_all_data}), as check-db's DB_USER should be;
     * made once per server, kept (roles are per server, and this one can do nothing).
     */
    public static String reader() throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            // test JVMs run in parallel on one server: two GRANTs of the same membership at once fail with "tuple
            // concurrently updated", so one transaction at a time makes the role (the lock ends with it)
            s.execute("DO $$ BEGIN PERFORM pg_catalog.pg_advisory_xact_lock(" + READER_LOCK + ");"
                    + " IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '" + READER + "') THEN"
                    + " CREATE ROLE " + READER + " LOGIN; END IF;"
                    + " GRANT pg_read_all_data TO " + READER + "; END $$");
        }
        return READER;
    }

    static boolean localAnswers() {
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://" + HOST + ":" + LOCAL_PORT + "/postgres?connectTimeout=3", USER, "")) {
            return c.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }

    private static int startEmbedded() {
        Path dir;
        try {
            dir = Files.createTempDirectory("bv-test-postgres");
            embedded = EmbeddedTestServer.start(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            embedded.close(); // removes the server's own directory
                            try {
                                Files.deleteIfExists(dir);
                            } catch (IOException e) {
                                // the JVM is going away
                            }
                        },
                        "bv-test-postgres-stop"));
        try (Connection c = embedded.admin();
                Statement s = c.createStatement()) {
            // like the local test server: trust on loopback (this throw-away server listens on nothing else)
            String hba;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = rs.getString(1);
            }
            s.execute("COPY (SELECT 'host all all 127.0.0.1/32 trust') TO '" + hba.replace("'", "''") + "'");
            s.execute("SELECT pg_catalog.pg_reload_conf()");
            awaitTrust(embedded.port());
            return embedded.port();
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException("Cannot open the embedded test PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The server reloads its configuration on its own time: until then it still asks for a password. */
    @SuppressWarnings("try") // a resource held only to be closed at the end
    private static void awaitTrust(int embeddedPort) throws SQLException, InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Connection c = DriverManager.getConnection(
                    "jdbc:postgresql://" + HOST + ":" + embeddedPort + "/postgres", USER, "")) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
