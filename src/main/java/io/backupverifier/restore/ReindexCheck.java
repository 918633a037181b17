package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code reindex}: {@code REINDEX DATABASE} rebuilds every index from the restored data. */
public final class ReindexCheck implements RestoreCheck {

    @Override
    public String id() {
        return "reindex";
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        long t = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("REINDEX DATABASE " + TestDatabases.ident(db.database()));
        } catch (SQLException e) {
            return CheckResult.failed("Database REINDEX failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return CheckResult.passed(String.format("Database REINDEX completed (%.1f s)", (System.nanoTime() - t) / 1e9));
    }
}
