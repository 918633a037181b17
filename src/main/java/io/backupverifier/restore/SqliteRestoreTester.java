package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConnection;

/**
 * Restore checks of a SQLite backup, on a decompressed temporary copy: {@code PRAGMA
 * integrity_check} (restore), {@code PRAGMA foreign_key_check} (referential_integrity),
 * table count, key tables, REINDEX, ANALYZE and the consistency queries.
 */
final class SqliteRestoreTester {

    private final int minTables;
    private final List<String> keyTables;
    private final boolean keyTablesNotEmpty;
    private final Map<String, String> consistency;
    private final Duration statementTimeout;

    SqliteRestoreTester(
            int minTables,
            List<String> keyTables,
            boolean keyTablesNotEmpty,
            Map<String, String> consistency,
            Duration statementTimeout) {
        this.minTables = minTables;
        this.keyTables = keyTables;
        this.keyTablesNotEmpty = keyTablesNotEmpty;
        this.consistency = consistency;
        this.statementTimeout = statementTimeout;
    }

    /**
     * Interrupts the connection's statement once it has run longer than the statement timeout
     * (a recursive view in the backup can make a query endless); each step calls {@link #mark}.
     */
    private static final class Guard implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bv-sqlite-guard");
            t.setDaemon(true);
            return t;
        });
        private volatile long started = System.nanoTime();
        private volatile boolean fired;

        Guard(Connection c, Duration timeout) {
            long period = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
            timer.scheduleWithFixedDelay(
                    () -> {
                        if (System.nanoTime() - started > timeout.toNanos()) {
                            try {
                                c.unwrap(SQLiteConnection.class).getDatabase().interrupt();
                                fired = true;
                            } catch (SQLException e) {
                                // closed already
                            }
                        }
                    },
                    period,
                    period,
                    TimeUnit.MILLISECONDS);
        }

        void mark() {
            started = System.nanoTime();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    void test(Path copy, RestoreResult result) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement();
                Guard guard = new Guard(c, statementTimeout)) {
            List<String> problems = new ArrayList<>();
            guard.mark();
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    if (!"ok".equals(rs.getString(1)) && problems.size() < 3) {
                        problems.add(rs.getString(1));
                    }
                }
            }
            if (!problems.isEmpty()) {
                result.record(
                        "restore", CheckResult.failed("SQLite integrity_check failed: " + String.join("; ", problems)));
                RestoreTester.skipRest(result, "the database is corrupt");
                return;
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                guard.mark();
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + t.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    rows.put(t, rs.getLong(1));
                }
            }
            result.rowCounts().putAll(rows);
            result.record(
                    "restore",
                    CheckResult.passed("SQLite database opened; integrity_check ok (" + tables.size() + " tables)"));
            result.record("table_count", TableCountCheck.evaluate(tables.size(), minTables));
            if (keyTables.isEmpty()) {
                result.record("key_tables", CheckResult.skipped("No key tables configured (RESTORE_KEY_TABLES)"));
            } else {
                List<String> missing =
                        keyTables.stream().filter(t -> !rows.containsKey(t)).toList();
                List<String> empty = keyTables.stream()
                        .filter(t -> rows.getOrDefault(t, 1L) == 0)
                        .toList();
                result.record(
                        "key_tables",
                        KeyTablesCheck.evaluate(
                                keyTables, missing, keyTablesNotEmpty ? empty : List.of(), keyTablesNotEmpty));
            }
            guard.mark();
            result.record("reindex", run(s, "REINDEX", "Database REINDEX"));
            guard.mark();
            result.record("analyze", run(s, "ANALYZE", "Database ANALYZE"));
            guard.mark();
            List<String> orphans = new ArrayList<>();
            Map<String, Integer> byKey = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
                while (rs.next()) {
                    byKey.merge(rs.getString(1) + " -> " + rs.getString(3), 1, Integer::sum);
                }
            }
            byKey.forEach((k, n) -> orphans.add(k + ": " + n + " orphan row" + (n == 1 ? "" : "s")));
            result.record(
                    "referential_integrity",
                    orphans.isEmpty()
                            ? CheckResult.passed("Referential integrity verified (PRAGMA foreign_key_check)")
                            : CheckResult.failed("Foreign keys violated: " + String.join("; ", orphans)));
            guard.mark();
            boolean firedBefore = guard.fired;
            CheckResult consistent = ConsistencyCheck.run(c, consistency, guard::mark);
            if (guard.fired && !firedBefore && consistent.status() == CheckStatus.FAILED) {
                consistent = CheckResult.failed(
                        "Consistency checks failed: a query ran longer than RESTORE_STATEMENT_TIMEOUT ("
                                + RestoreWatchdog.human(statementTimeout) + ") and was stopped (" + consistent.message()
                                + ")");
            }
            result.record("consistency", consistent);
            result.record(
                    "amcheck",
                    CheckResult.skipped("amcheck is for PostgreSQL; SQLite's integrity_check covered the indexes"));
        } catch (SQLException e) {
            result.record("restore", CheckResult.failed("SQLite database cannot be opened: " + e.getMessage()));
            RestoreTester.skipRest(result, "the database cannot be opened");
        }
    }

    private static CheckResult run(Statement s, String sql, String what) {
        try {
            s.execute(sql);
            return CheckResult.passed(what + " completed");
        } catch (SQLException e) {
            return CheckResult.failed(what + " failed: " + e.getMessage());
        }
    }
}
