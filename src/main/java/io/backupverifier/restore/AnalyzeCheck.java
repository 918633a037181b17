package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code analyze}: ANALYZE of every table and materialized view of the dump succeeded. The tables a
 * plain restore loaded were analyzed inside its schedule, once their data and indexes were in
 * ({@link RestoreOutcome.Loaded}); the rest (tables filled otherwise, partitioned parents,
 * materialized views, everything of a pg_restore) here, one by one, as the restore role with
 * {@code search_path = pg_catalog, pg_temp}. Foreign tables are left out, as a database-wide
 * {@code ANALYZE} leaves them.
 */
record AnalyzeCheck(RestoreOutcome.Loaded loaded) implements RestoreCheck {

    private static final String RELATIONS = "SELECT c.oid, c.oid::pg_catalog.regclass::pg_catalog.text"
            + " FROM pg_catalog.pg_class c" + UserObjects.SCHEMA_OF_C
            + " WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm']::pg_catalog.\"char\"[])"
            + " AND c.relpersistence OPERATOR(pg_catalog.<>) 't' AND " + UserObjects.USER_SCHEMA + " ORDER BY 2";

    @Override
    public String id() {
        return CheckId.ANALYZE.id();
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        if (loaded.analyzeFailure() != null) {
            return failed(loaded.analyzeFailure());
        }
        long t = System.nanoTime();
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement()) {
            List<String> rest = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(RELATIONS)) {
                while (rs.next()) {
                    if (!loaded.analyzed().contains(rs.getLong(1))) {
                        rest.add(rs.getString(2));
                    }
                }
            }
            for (String relation : rest) {
                s.execute("ANALYZE " + relation);
            }
        } catch (SQLException e) {
            return failed(e);
        }
        double seconds = (System.nanoTime() - t) / 1e9 + loaded.analyzeMillis() / 1000.0;
        return CheckResult.passed(String.format("Database ANALYZE completed (%.1f s)", seconds));
    }

    private static CheckResult failed(SQLException e) throws SQLException {
        if ("57014".equals(e.getSQLState()) || "57P01".equals(e.getSQLState())) {
            throw e; // the time limit (a cancel, or the termination of what ignored it): the tester says so
        }
        return CheckResult.failed(
                "Database ANALYZE failed: " + e.getMessage().lines().findFirst().orElse(""));
    }
}
