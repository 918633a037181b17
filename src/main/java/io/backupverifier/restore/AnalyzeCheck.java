package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** {@code analyze}: {@code ANALYZE} reads every table of the restored database. */
public final class AnalyzeCheck implements RestoreCheck {

    @Override
    public String id() {
        return "analyze";
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        long t = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        } catch (SQLException e) {
            return CheckResult.failed("Database ANALYZE failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return CheckResult.passed(String.format("Database ANALYZE completed (%.1f s)", (System.nanoTime() - t) / 1e9));
    }
}
