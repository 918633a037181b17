package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.config.ReadOnlyQuery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * {@code consistency}: each configured query (e.g. users without profiles) returns 0. The
 * same queries serve check-db on the live database, so in a test database they run with the
 * live database's default search path ({@code "$user", public}, pg_catalog first), as the
 * restore role: whatever the dump defined runs only inside its own sandbox. Each query is one
 * statement that reads ({@link ReadOnlyQuery}), run on PostgreSQL in a READ ONLY transaction of its
 * own that is rolled back; on SQLite the connection is a private copy (restore test) or opened
 * read-only (check-db).
 */
public final class ConsistencyCheck implements RestoreCheck {

    private final Map<String, String> queries;

    public ConsistencyCheck(Map<String, String> queries) {
        this.queries = queries;
    }

    @Override
    public String id() {
        return CheckId.CONSISTENCY.id();
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        try (Connection c = db.connectForQueries()) {
            return run(c, queries);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            // the next query reports what is wrong
        }
    }

    /** Runs the queries on any JDBC connection (PostgreSQL or SQLite), in a read-only way. */
    public static CheckResult run(Connection c, Map<String, String> queries) {
        return run(c, queries, () -> {});
    }

    /** The same, calling {@code beforeEach} before each query (a time limit per query starts there). */
    static CheckResult run(Connection c, Map<String, String> queries, Runnable beforeEach) {
        if (queries.isEmpty()) {
            return CheckResult.skipped("No consistency queries configured (CONSISTENCY_CHECKS_FILE)");
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            beforeEach.run();
            try {
                ReadOnlyQuery.check(q.getValue()); // checked at start-up; again here, whoever made the map
                long n = isPostgres(c) ? countReadOnly(c, q.getValue()) : count(c, q.getValue());
                if (n != 0) {
                    problems.add(q.getKey() + ": " + n);
                }
            } catch (IllegalArgumentException e) {
                problems.add(q.getKey() + ": query refused (" + e.getMessage() + ")");
            } catch (SQLException e) {
                problems.add(q.getKey() + ": query failed ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
                rollbackQuietly(c); // a failed query must not take the next ones with it
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.failed("Consistency checks failed: " + String.join("; ", problems));
        }
        return CheckResult.passed("Data consistency verified: " + String.join(", ", queries.keySet()) + " all 0");
    }

    private static boolean isPostgres(Connection c) throws SQLException {
        return c.isWrapperFor(PGConnection.class);
    }

    /**
     * PostgreSQL: the query in a transaction of its own that is READ ONLY whatever the session's
     * default, and rolled back. A data-modifying WITH fails there; a SET TRANSACTION READ WRITE could
     * only come before the query, and a query is one statement.
     */
    private static long countReadOnly(Connection c, String sql) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.rollback(); // SET TRANSACTION opens the transaction
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
            return count(c, sql);
        } finally {
            rollbackQuietly(c);
            c.setAutoCommit(autoCommit);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
