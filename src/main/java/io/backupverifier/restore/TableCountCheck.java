package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code table_count}: at least {@code min-tables} tables came back. */
public final class TableCountCheck implements RestoreCheck {

    static final String USER_TABLES = "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%'";

    private final int minTables;

    public TableCountCheck(int minTables) {
        this.minTables = minTables;
    }

    @Override
    public String id() {
        return "table_count";
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(USER_TABLES)) {
            rs.next();
            return evaluate(rs.getInt(1), minTables);
        }
    }

    static CheckResult evaluate(int tables, int minTables) {
        if (tables < minTables) {
            return CheckResult.failed("Only " + tables + " tables restored, expected at least " + minTables);
        }
        return CheckResult.passed("Table count check passed: " + tables + " tables (minimum " + minTables + ")");
    }
}
