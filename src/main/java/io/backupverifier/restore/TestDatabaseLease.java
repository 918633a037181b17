package io.backupverifier.restore;

import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * One test database, held for one restore test: taken on a target (created with a name of its
 * own), then either dropped with its role when the test ends (its backends terminated first,
 * the target closed unless it is shared), or handed over to a user (--verify-only).
 */
final class TestDatabaseLease implements AutoCloseable {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    /** The last stamp handed out for each database name prefix in this process. */
    private static final Map<String, LocalDateTime> LAST = new HashMap<>();
    /** Names taken on a server by another process: each is skipped, never waited for. */
    private static final int MAX_TAKEN = 20;

    private final RestoreTarget target;
    private final boolean shared;
    private final TestDatabase db;
    private boolean handedOver;

    private TestDatabaseLease(RestoreTarget target, boolean shared, TestDatabase db) {
        this.target = target;
        this.shared = shared;
        this.db = db;
    }

    /**
     * A new test database {@code <dbName>_test_YYYYMMDD_HHMMSS} on {@code target}: the stamp is now, or
     * the second after the last one this process gave out (two tests in one second get two names,
     * at once); a name another process holds on a shared server is passed over. When no database
     * can be created, a target of its own is closed.
     */
    static TestDatabaseLease take(RestoreTarget target, boolean shared, String dbName, Clock clock)
            throws SQLException {
        String prefix = dbName.toLowerCase() + "_test_";
        try {
            for (int taken = 0; ; taken++) {
                String name = prefix + next(prefix, clock).format(STAMP);
                try {
                    return new TestDatabaseLease(target, shared, target.create(name));
                } catch (SQLException e) {
                    boolean nameTaken = "42P04".equals(e.getSQLState()) || "42710".equals(e.getSQLState());
                    if (!nameTaken || taken == MAX_TAKEN) {
                        throw e;
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (!shared) {
                target.close();
            }
            throw e;
        }
    }

    private static LocalDateTime next(String prefix, Clock clock) {
        synchronized (LAST) {
            LocalDateTime now = LocalDateTime.now(clock).withNano(0);
            LocalDateTime last = LAST.get(prefix);
            LocalDateTime stamp = last != null && !now.isAfter(last) ? last.plusSeconds(1) : now;
            LAST.put(prefix, stamp);
            return stamp;
        }
    }

    TestDatabase db() {
        return db;
    }

    RestoreTarget target() {
        return target;
    }

    /**
     * Hands the database to a user instead of dropping it: kept by an external server until
     * maintenance drops it (TEST_DB_RETENTION_DAYS), or until {@code result} is released.
     */
    void handOver(RestoreResult result) {
        handedOver = true;
        result.keptDatabase(db);
        if (shared && target.keep(db)) {
            return;
        }
        result.onRelease(() -> {
            target.drop(db);
            if (!shared) {
                target.close();
            }
        });
    }

    /** Drops the database and its role (its backends terminated first), unless handed over. */
    @Override
    public void close() {
        if (handedOver) {
            return;
        }
        try {
            RestoreWatchdog.terminateBackends(target::admin, db.database());
            target.drop(db);
        } finally {
            if (!shared) {
                target.close();
            }
        }
    }
}
