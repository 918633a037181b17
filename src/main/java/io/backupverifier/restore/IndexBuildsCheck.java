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
 * {@code reindex} without a second REINDEX (RESTORE_REINDEX=false, the default): the restore has
 * just built every index and key of the dump from the restored rows (pg_dump writes them after
 * the data, and pg_restore and the plain restore build them after loading it), which is what
 * {@code REINDEX DATABASE} would prove again. Reported from those builds; any index left not
 * valid fails. amcheck with heapallindexed remains the independent proof of every btree index.
 */
record IndexBuildsCheck(RestoreOutcome.Loaded loaded) implements RestoreCheck {

    private static final String INDEXES = "SELECT c.oid::pg_catalog.regclass::pg_catalog.text,"
            + " i.indisvalid AND i.indisready AND i.indislive"
            + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
            + UserObjects.SCHEMA_OF_C
            + " WHERE c.relkind OPERATOR(pg_catalog.=) 'i' AND " + UserObjects.USER_SCHEMA + " ORDER BY 1";

    @Override
    public String id() {
        return CheckId.REINDEX.id();
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        int indexes = 0;
        List<String> notValid = new ArrayList<>();
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(INDEXES)) {
            while (rs.next()) {
                indexes++;
                if (!rs.getBoolean(2)) {
                    notValid.add(rs.getString(1));
                }
            }
        }
        if (!notValid.isEmpty()) {
            return CheckResult.failed("Indexes not valid after the restore: " + String.join(", ", notValid));
        }
        if (loaded.builtIndexes()) {
            return CheckResult.passed(String.format(
                    "%d indexes built from the restored data in %.1f s",
                    loaded.indexesBuilt(), loaded.indexMillis() / 1000.0));
        }
        return CheckResult.passed(indexes + " indexes built from the restored data by pg_restore");
    }
}
