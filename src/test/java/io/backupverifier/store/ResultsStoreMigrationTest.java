package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.Verification;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.TestPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results store's schema is versioned (Flyway): a store made by the version before, with
 * the old split-on-semicolon schema.sql, is upgraded in place and keeps every row, on SQLite and
 * on PostgreSQL; a new store gets every migration; starting again changes nothing.
 */
class ResultsStoreMigrationTest {

    private static final String PG = TestPostgres.url(""); // the local server, or an embedded one
    private static final List<String> OLD_ROWS = List.of(
            "v1 FAILED 5000",
            "gzip_integrity truncated",
            "r1 embedded",
            "restore",
            "public.users 42",
            "/b/daily/a.gz gzip_integrity");

    @TempDir
    Path dir;

    /** What the version before did at every start: the old schema.sql (version 1), split on ';'. */
    private static void oldSchema(Connection c) throws Exception {
        String schema;
        try (InputStream in = ResultsStore.class.getResourceAsStream("migration/V1__results_store.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Statement s = c.createStatement()) {
            for (String sql : schema.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
    }

    /** Rows of every kind the old version wrote. */
    private static void oldRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "INSERT INTO bv_verification (id, file_path, file_name, kind, category, size_bytes, status, verified_at,"
                            + " duration_ms) VALUES ('v1', '/b/daily/a.gz', 'a.gz', 'plain', 'daily', 5000, 'FAILED', 1000, 12)");
            s.execute(
                    "INSERT INTO bv_check (verification_id, check_id, status, message) VALUES ('v1', 'gzip_integrity',"
                            + " 'FAILED', 'truncated')");
            s.execute(
                    "INSERT INTO bv_restore (id, file_path, file_name, kind, category, status, target, tested_at, restore_ms,"
                            + " checks_ms) VALUES ('r1', '/b/daily/a.gz', 'a.gz', 'plain', 'daily', 'PASSED', 'embedded', 2000, 5, 6)");
            s.execute(
                    "INSERT INTO bv_restore_check (restore_id, check_id, status, message) VALUES ('r1', 'restore', 'PASSED', 'ok')");
            s.execute(
                    "INSERT INTO bv_restore_table (restore_id, table_name, row_count) VALUES ('r1', 'public.users', 42)");
            s.execute(
                    "INSERT INTO bv_alert_state (subject, category, status, checks, since) VALUES ('/b/daily/a.gz', 'daily',"
                            + " 'FAILED', 'gzip_integrity', 3000)");
        }
    }

    private static List<String> rows(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (String q : List.of(
                    "SELECT id || ' ' || status || ' ' || size_bytes FROM bv_verification",
                    "SELECT check_id || ' ' || message FROM bv_check",
                    "SELECT id || ' ' || target FROM bv_restore",
                    "SELECT check_id FROM bv_restore_check",
                    "SELECT table_name || ' ' || row_count FROM bv_restore_table",
                    "SELECT subject || ' ' || checks FROM bv_alert_state")) {
                try (ResultSet rs = s.executeQuery(q)) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> versions(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, type FROM " + ResultsStore.HISTORY_TABLE
                        + " WHERE success = " + (c.getMetaData().getURL().startsWith("jdbc:sqlite") ? "1" : "true")
                        + " ORDER BY installed_rank")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    /** The upgrade keeps the rows, records version 1 as the baseline, and the new code reads and writes them. */
    private void upgradeKeepsEveryRow(String url, String user, String... versions) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            oldSchema(c);
            oldRows(c);
        }
        DataSource data = DataSources.of(url, user, "");
        ResultsStore store = new ResultsStore(data, Clock.systemUTC());
        ResultsQueries queries = new ResultsQueries(data);
        store.init();
        store.init(); // every start migrates: the second finds nothing to do
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            assertThat(rows(c)).containsExactlyElementsOf(OLD_ROWS);
            assertThat(versions(c)).containsExactly(versions);
        }
        assertThat(queries.failedIn("daily")).containsExactly(Path.of("/b/daily/a.gz"));
        Path good = Fixtures.backup(dir, "shop.sql.gz", "b.gz");
        Verification v = Fixtures.verify(good);
        store.save(v);
        assertThat(queries.verificationsOf(good.toAbsolutePath().toString(), null))
                .hasSize(1);
        assertThat(queries.verificationsOf("/b/daily/a.gz", null)).hasSize(1);
    }

    @Test
    void anSqliteStoreOfTheVersionBeforeIsUpgradedWithEveryRow() throws Exception {
        upgradeKeepsEveryRow("jdbc:sqlite:" + dir.resolve("results.db"), "", "1 BASELINE", "2 SQL", "5 SQL", "6 SQL");
    }

    @Test
    void aPostgresStoreOfTheVersionBeforeIsUpgradedWithEveryRow() throws Exception {
        String db = "bv_migration_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(PG + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
            s.execute("CREATE DATABASE " + db);
        }
        try {
            // PostgreSQL also gets the cluster's tables (the watcher's lock rows, Quartz's JobStore)
            upgradeKeepsEveryRow(
                    PG + db,
                    "postgres",
                    "1 BASELINE",
                    "2 SQL",
                    "2.1 SQL",
                    "2.2 SQL",
                    "3 SQL",
                    "3.1 SQL",
                    "5 SQL",
                    "6 SQL");
        } finally {
            try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    @Test
    void aNewStoreBesideTheWatchersTableGetsEveryMigration() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            // the watcher's idempotent table may be there first: the store is not empty, yet none of ours exists
            s.execute(
                    "CREATE TABLE CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255), messageId VARCHAR(100), createdAt TIMESTAMP)");
        }
        DataSource data = DataSources.of(url, "", "");
        ResultsStore store = new ResultsStore(data, Clock.systemUTC());
        store.init();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(versions(c)).containsExactly("0 BASELINE", "1 SQL", "2 SQL", "5 SQL", "6 SQL");
            assertThat(rows(c)).isEmpty();
        }
        Path good = Fixtures.backup(dir, "shop.sql.gz", "b.gz");
        store.save(Fixtures.verify(good));
        assertThat(new ResultsQueries(data)
                        .verificationsOf(good.toAbsolutePath().toString(), null))
                .hasSize(1);
    }

    @Test
    void aOneShotCommandUsesAStoreThatIsUpToDateAsItIsAndMigratesOneThatIsBehind() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        DataSource data = DataSources.of(url, "", "");
        new ResultsStore(data, Clock.systemUTC()).init();
        int checksum;
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("SELECT checksum FROM " + ResultsStore.HISTORY_TABLE + " WHERE version = '2'")) {
                rs.next();
                checksum = rs.getInt(1);
            }
            // up to date by its history, with a checksum Flyway's validation would refuse: not looked at again
            s.execute("UPDATE " + ResultsStore.HISTORY_TABLE + " SET checksum = 1 WHERE version = '2'");
        }
        ResultsStore upToDate = new ResultsStore(data, Clock.systemUTC());
        upToDate.initIfBehindOrWarn();
        Path good = Fixtures.backup(dir, "shop.sql.gz", "b.gz");
        upToDate.save(Fixtures.verify(good));
        assertThat(new ResultsQueries(data)
                        .verificationsOf(good.toAbsolutePath().toString(), null))
                .hasSize(1);

        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            // behind: the newest migration not applied yet
            s.execute("UPDATE " + ResultsStore.HISTORY_TABLE + " SET checksum = " + checksum + " WHERE version = '2'");
            s.execute("DELETE FROM " + ResultsStore.HISTORY_TABLE + " WHERE version = '6'");
            s.execute("ALTER TABLE bv_restore DROP COLUMN sha256");
        }
        new ResultsStore(data, Clock.systemUTC()).initIfBehindOrWarn();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            assertThat(versions(c)).containsExactly("1 SQL", "2 SQL", "5 SQL", "6 SQL");
            s.executeQuery("SELECT count(sha256) FROM bv_restore").close();
        }
    }

    @Test
    void theVersionsAOneShotCommandExpectsAreThoseOfTheMigrationFiles() throws Exception {
        assertThat(versionsIn("migration")).containsExactlyInAnyOrderElementsOf(ResultsStore.SHARED_VERSIONS);
        assertThat(versionsIn("migration-postgresql"))
                .containsExactlyInAnyOrderElementsOf(ResultsStore.POSTGRESQL_VERSIONS);
    }

    private static List<String> versionsIn(String dir) throws Exception {
        Path d = Path.of(ResultsStore.class.getResource(dir).toURI());
        try (Stream<Path> files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("V") && n.endsWith(".sql"))
                    .map(n -> n.substring(1, n.indexOf("__")).replace('_', '.'))
                    .toList();
        }
    }
}
