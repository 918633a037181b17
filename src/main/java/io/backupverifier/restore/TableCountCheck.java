package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code table_count}: at least {@code min-tables} tables came back. */
public final class TableCountCheck implements RestoreCheck {

    private static final String USER_TABLES = "SELECT pg_catalog.count(*)" + UserObjects.TABLES;

    private final int minTables;

    public TableCountCheck(int minTables) {
        this.minTables = minTables;
    }

    @Override
    public String id() {
        return CheckId.TABLE_COUNT.id();
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(USER_TABLES)) {
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
