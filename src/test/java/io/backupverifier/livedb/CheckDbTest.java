package io.backupverifier.livedb;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.restore.ConsistencyCheck;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check-db against PostgreSQL ({@link TestPostgres}: the local server, else an embedded one) in a throw-away
 * database: a seeded inconsistency, a blocked lock made by the test, and proof that it cannot
 * write. Skipped, saying so, when no server answers.
 */
class CheckDbTest {

    private static final String SERVER = TestPostgres.url(""); // the local server, or an embedded one
    /** One database for the class (a CREATE and DROP DATABASE per test cost up to seconds on a busy server); its tables are made again for each test. */
    private static final String DB = "bv_checkdb_" + ProcessHandle.current().pid();

    @TempDir
    Path root;

    Cli cli;

    private static Connection connect(String database) throws Exception {
        return DriverManager.getConnection(SERVER + database + "?connectTimeout=3", "postgres", "");
    }

    @BeforeAll
    static void createDatabase() throws Exception {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB);
            s.execute("CREATE DATABASE " + DB);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        } catch (SQLException e) {
            // never created
        }
    }

    @BeforeEach
    void seed() throws Exception {
        try (Connection c = connect(DB);
                Statement s = c.createStatement()) {
            // as a new database would hold them, whatever the test before did
            s.execute("DROP TABLE IF EXISTS core_userprofile, auth_user, written, kept");
            s.execute("CREATE TABLE auth_user (id int PRIMARY KEY, email text)");
            s.execute("CREATE TABLE core_userprofile (id serial PRIMARY KEY, user_id int REFERENCES auth_user)");
            s.execute("INSERT INTO auth_user VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x')");
            s.execute("INSERT INTO core_userprofile (user_id) VALUES (1)"); // users 2 and 3 have no profile
            s.execute("CREATE TABLE written (id int)");
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (1), (2), (3)");
        }
        Path queries = root.resolve("consistency.properties");
        Files.writeString(
                queries,
                "users_without_profiles = SELECT count(*) FROM auth_user u LEFT JOIN core_userprofile p"
                        + " ON p.user_id = u.id WHERE p.id IS NULL\n"
                        + "sneaky_write = WITH w AS (INSERT INTO written VALUES (1) RETURNING 1) SELECT count(*) - 1 FROM w\n"
                        + "sneaky_delete = WITH d AS (DELETE FROM kept RETURNING 1) SELECT count(*) FROM d\n");
        cli = new Cli(root)
                .env("BACKUP_DIR", root.toString())
                .env("DB_HOST", TestPostgres.HOST)
                .env("DB_PORT", Integer.toString(TestPostgres.port()))
                .env("DB_USER", TestPostgres.reader())
                .env("DB_NAME", DB)
                .env("RESTORE_KEY_TABLES", "auth_user,core_userprofile")
                .env("CONSISTENCY_CHECKS_FILE", queries.toString());
    }

    @Test
    void findsTheInconsistencyAndCannotWrite() throws Exception {
        Cli.Result r = cli.run("check-db", "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
        assertThat(b.get("file").asText())
                .isEqualTo("postgresql://" + TestPostgres.READER + "@127.0.0.1:" + TestPostgres.port() + "/" + DB);
        assertThat(b.at("/checks/connectivity/status").asText()).isEqualTo("PASSED");
        assertThat(b.at("/checks/key_tables/status").asText()).isEqualTo("PASSED");
        assertThat(b.at("/checks/blocked_locks/status").asText()).isEqualTo("PASSED");
        String consistency = b.at("/checks/consistency/message").asText();
        assertThat(consistency).contains("users_without_profiles: 2");
        assertThat(consistency).contains("sneaky_write: query failed").contains("read-only transaction");
        assertThat(consistency).contains("sneaky_delete: query failed").contains("in a read-only transaction)");
        assertThat(count(DB, "written")).as("rows written by check-db").isZero();
        assertThat(count(DB, "kept")).as("rows left after check-db").isEqualTo(3);
    }

    /**
     * A superuser (or REPLICATION) DB_USER can change the live database in ways a rolled-back
     * READ ONLY transaction does not undo (a replication slot, a dblink write): the consistency
     * queries are not run, and check-db says why and what to do, as an ERROR (fail closed).
     */
    @Test
    void aSuperuserDoesNotRunTheConsistencyQueries() throws Exception {
        Path queries = root.resolve("slot.properties");
        Files.writeString(
                queries,
                "slot = SELECT count(*) - 1 FROM pg_create_physical_replication_slot('" + DB + "_slot', true)\n");
        Cli.Result r = cli.env("DB_USER", TestPostgres.USER)
                .env("CONSISTENCY_CHECKS_FILE", queries.toString())
                .run("check-db", "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
        assertThat(b.at("/checks/connectivity/status").asText()).isEqualTo("PASSED");
        assertThat(b.at("/checks/consistency/status").asText()).isEqualTo("ERROR");
        assertThat(b.at("/checks/consistency/message").asText())
                .startsWith("Not run: DB_USER postgres is a superuser;")
                .contains("give check-db a role that may only read");
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + DB + "_slot'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("replication slots made by check-db").isZero();
        }
    }

    /**
     * A role that is not a superuser itself but is a member of one can become it inside a query
     * ({@code set_config('role', ...)}), so it is as mighty as the superuser: its queries are not
     * run either, and no replication slot is made.
     */
    @Test
    void aMemberOfASuperuserRoleDoesNotRunTheConsistencyQueries() throws Exception {
        String admin = DB + "_admin";
        String member = DB + "_member";
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + admin + " SUPERUSER NOLOGIN");
            s.execute("CREATE ROLE " + member + " LOGIN IN ROLE " + admin);
        }
        try {
            Path queries = root.resolve("slot.properties");
            Files.writeString(
                    queries,
                    "slot = SELECT count(*) - 1 FROM (SELECT set_config('role', '" + admin + "', false)) r,"
                            + " LATERAL pg_create_physical_replication_slot('bv_checkdb_slot', true)\n");
            Cli.Result r = cli.env("DB_USER", member)
                    .env("CONSISTENCY_CHECKS_FILE", queries.toString())
                    .run("check-db", "--json");
            assertThat(r.exit()).isEqualTo(1);
            JsonNode b = new ObjectMapper().readTree(r.out()).at("/backups/0");
            assertThat(b.at("/checks/consistency/status").asText()).isEqualTo("ERROR");
            assertThat(b.at("/checks/consistency/message").asText())
                    .startsWith("Not run: DB_USER " + member + " can become " + admin + ", a superuser;");
            assertThat(replicationSlots())
                    .as("replication slots made by check-db")
                    .isZero();
        } finally {
            try (Connection c = connect("postgres");
                    Statement s = c.createStatement()) {
                if (replicationSlots() > 0) {
                    s.execute("SELECT pg_drop_replication_slot('bv_checkdb_slot')");
                }
                s.execute("DROP ROLE " + member);
                s.execute("DROP ROLE " + admin);
            }
        }
    }

    private long replicationSlots() throws Exception {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'bv_checkdb_slot'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long count(String database, String table) throws Exception {
        try (Connection c = connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aQueryOfSeveralStatementsStopsStartUpNamingIt() throws Exception {
        Path queries = root.resolve("several.properties");
        // pgjdbc sends every statement of the string: this one would commit a DELETE on the live database
        Files.writeString(queries, "wipe = SET TRANSACTION READ WRITE; DELETE FROM kept; COMMIT; SELECT 0\n");
        Cli.Result r = cli.env("CONSISTENCY_CHECKS_FILE", queries.toString()).run("check-db");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out() + r.err())
                .contains(
                        "CONSISTENCY_CHECKS_FILE (restore.consistency-file): " + queries
                                + ": wipe holds 4 statements: a consistency query is one SELECT, WITH, VALUES or TABLE statement");
        assertThat(count(DB, "kept")).isEqualTo(3);
    }

    /**
     * The consistency queries are read-only by themselves, not only thanks to check-db's session: on a
     * connection whose transactions are read-write (a restored test database's), a data-modifying WITH
     * fails and a string of statements is refused; a query that reads runs as before.
     */
    @Test
    void consistencyQueriesCannotWriteOnAReadWriteConnection() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("kept_rows", "SELECT count(*) - 3 FROM kept");
        queries.put("sneaky_delete", "WITH d AS (DELETE FROM kept RETURNING 1) SELECT count(*) FROM d");
        queries.put("several", "SET TRANSACTION READ WRITE; DELETE FROM kept; COMMIT; SELECT 0");
        queries.put("with_then_delete", "WITH x AS (SELECT 1) DELETE FROM kept WHERE id IN (SELECT * FROM x)");
        queries.put("disguised", "/*/ SELECT */ DELETE FROM kept"); // the server reads a comment, then DELETE
        try (Connection c = connect(DB)) {
            CheckResult r = ConsistencyCheck.run(c, queries);
            assertThat(r.status()).isEqualTo(CheckStatus.FAILED);
            assertThat(r.message())
                    .doesNotContain("kept_rows")
                    // PostgreSQL names the statement: a SELECT whose WITH deletes
                    .contains("sneaky_delete: query failed (ERROR: cannot execute SELECT in a read-only transaction)")
                    .contains("several: query refused (holds 4 statements")
                    .contains(
                            "with_then_delete: query failed (ERROR: cannot execute DELETE in a read-only transaction)")
                    .contains("disguised: query refused (begins with DELETE");
            assertThat(c.getAutoCommit()).as("the connection as it was").isTrue();
        }
        assertThat(count(DB, "kept")).isEqualTo(3);
        try (Connection c = connect(DB)) {
            assertThat(ConsistencyCheck.run(c, Map.of("kept_rows", "SELECT count(*) - 3 FROM kept"))
                            .message())
                    .isEqualTo("Data consistency verified: kept_rows all 0");
        }
    }

    @Test
    void reportsABlockedLockWithTheBlockingQuery() throws Exception {
        try (Connection holder = connect(DB);
                Connection waiter = connect(DB)) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.executeQuery("SELECT count(*) FROM auth_user").close();
                } catch (SQLException e) {
                    // cancelled when the holder rolls back
                }
            });
            // the event itself: the waiter's lock request is queued behind the holder's
            await("the waiter blocked on the lock", Duration.ofSeconds(10), () -> waitingLocks(holder) > 0);
            Cli.Result r = cli.run("check-db");
            // the same server, another live database: this lock is not its business
            Cli.Result other = cli.env("DB_NAME", "postgres").run("check-db", "--json");
            holder.rollback();
            blocked.get(10, TimeUnit.SECONDS);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out())
                    .containsPattern(
                            "\\[ERROR\\] Blocked locks: pid \\d+ waits for AccessShareLock on auth_user, held by pid \\d+");
            JsonNode o = new ObjectMapper().readTree(other.out()).at("/backups/0");
            assertThat(o.at("/checks/blocked_locks/message").asText()).isEqualTo("No blocked locks");
        }
    }

    /** Lock requests not granted in this database, seen from the holder's own connection. */
    private static long waitingLocks(Connection c) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM pg_catalog.pg_locks l"
                                + " JOIN pg_catalog.pg_database d ON d.oid = l.database WHERE NOT l.granted AND d.datname = pg_catalog.current_database()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sqliteDatabaseIsCheckedReadOnly() throws Exception {
        Path file = Fixtures.write(root.resolve("app.sqlite3"), Fixtures.bytes("shop.sqlite"));
        byte[] before = Files.readAllBytes(file);
        Path queries = root.resolve("sqlite-consistency.properties");
        Files.writeString(
                queries,
                "orders_without_customer = SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id"
                        + " WHERE c.id IS NULL\n"
                        // begins with WITH, yet deletes: the read-only connection refuses it
                        + "write_attempt = WITH o AS (SELECT id FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM o)\n");
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", root.toString())
                .env("DATABASE_TYPE", "sqlite")
                .env("DB_NAME", file.toString())
                .env("RESTORE_KEY_TABLES", "customers,orders")
                .env("CONSISTENCY_CHECKS_FILE", queries.toString())
                .run("check-db");
        assertThat(r.out())
                .contains("[SUCCESS] Connected to sqlite:" + file + " (SQLite ")
                .contains("[SUCCESS] Key tables present: customers, orders")
                .contains("[INFO] blocked_locks skipped: SQLite has no lock table to inspect")
                .contains("write_attempt: query failed");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(Files.readAllBytes(file))
                .as("the database file is unchanged")
                .isEqualTo(before);
    }

    @Test
    void unreachableDatabaseIsOneClearLine() {
        Cli.Result r = cli.env("DB_PORT", "1").run("check-db");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("[ERROR] Cannot connect to postgresql://" + TestPostgres.READER + "@127.0.0.1:1/" + DB
                        + ": Connection to 127.0.0.1:1 refused");
    }
}
