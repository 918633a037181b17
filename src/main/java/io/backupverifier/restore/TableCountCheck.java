package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code table_count}: at least {@code min-tables} tables came back. */
public final class TableCountCheck implements RestoreCheck {

    /** The dump's tables (catalogs only, every operator schema-qualified). */
    static final String USER_TABLES_WHERE = " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON n.oid OPERATOR(pg_catalog.=) c.relnamespace WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::pg_catalog.\"char\"[])"
            + " AND n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog', 'information_schema'])"
            + " AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_toast%' AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_temp%'";
    static final String USER_TABLES = "SELECT pg_catalog.count(*)" + USER_TABLES_WHERE;

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
        try (Connection c = db.connectForChecks(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(USER_TABLES)) {
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
