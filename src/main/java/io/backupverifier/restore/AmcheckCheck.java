package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code amcheck}: every btree index verifies with {@code bt_index_check(index, heapallindexed)},
 * which also proves each heap tuple is in the index. Runs as the admin (amcheck's functions
 * are not for ordinary roles).
 */
public final class AmcheckCheck implements RestoreCheck {

    private static final String BTREE_INDEXES = "SELECT c.oid::regclass::text FROM pg_catalog.pg_index i"
            + " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_am am ON am.oid = c.relam"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE am.amname = 'btree' AND i.indisvalid AND c.relpersistence <> 't'"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1";

    @Override
    public String id() {
        return "amcheck";
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        try (Connection c = db.connectAdmin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'amcheck'")) {
                if (!rs.next()) {
                    return CheckResult.skipped("amcheck extension not available on the test server (needs the contrib "
                            + "package and a user allowed to CREATE EXTENSION)");
                }
            }
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(BTREE_INDEXES)) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            List<String> corrupt = new ArrayList<>();
            for (String index : indexes) {
                try (ResultSet rs = s.executeQuery("SELECT bt_index_check(index => '" + index.replace("'", "''")
                        + "'::regclass, heapallindexed => true)")) {
                    rs.next();
                } catch (SQLException e) {
                    corrupt.add(index + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            if (!corrupt.isEmpty()) {
                return CheckResult.failed("Index corruption found by amcheck: " + String.join("; ", corrupt));
            }
            return CheckResult.passed("amcheck verified " + indexes.size() + " btree indexes (heapallindexed)");
        }
    }
}
