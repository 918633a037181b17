package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;

/**
 * A restore check that is one maintenance command over the whole restored database, run as
 * its owner and timed: {@code reindex} ({@code REINDEX DATABASE}, with RESTORE_REINDEX=true).
 */
public final class DatabaseCommandCheck implements RestoreCheck {

    private final String id;
    private final String label;
    private final Function<TestDatabase, String> sql;

    private DatabaseCommandCheck(String id, String label, Function<TestDatabase, String> sql) {
        this.id = id;
        this.label = label;
        this.sql = sql;
    }

    public static DatabaseCommandCheck reindex() {
        return new DatabaseCommandCheck(
                CheckId.REINDEX.id(),
                "Database REINDEX",
                db -> "REINDEX DATABASE " + TestDatabases.ident(db.database()));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        long t = System.nanoTime();
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement()) {
            s.execute(sql.apply(db));
        } catch (SQLException e) {
            if ("57014".equals(e.getSQLState()) || "57P01".equals(e.getSQLState())) {
                throw e; // the time limit (a cancel, or the termination of what ignored it): the tester says so
            }
            return CheckResult.failed(
                    label + " failed: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return CheckResult.passed(String.format("%s completed (%.1f s)", label, (System.nanoTime() - t) / 1e9));
    }
}
