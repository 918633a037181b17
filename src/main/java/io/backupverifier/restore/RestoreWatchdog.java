package io.backupverifier.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time limits of one restore test, enforced from outside the test database: a dump cannot
 * lift them (every pg_dump output starts with {@code SET statement_timeout = 0}). Once a
 * second, as the admin on the maintenance database, it cancels any statement of the test
 * database running longer than RESTORE_STATEMENT_TIMEOUT; after RESTORE_TIMEOUT it closes the
 * database to new connections and terminates its backends.
 */
final class RestoreWatchdog implements AutoCloseable {

    /** Connections as the admin to the server's maintenance database. */
    interface Admin {
        Connection connect() throws SQLException;
    }

    private static final String LONG_RUNNING = "SELECT pid, pg_catalog.left(query, 200), query_start::pg_catalog.text"
            + " FROM pg_catalog.pg_stat_activity"
            + " WHERE datname OPERATOR(pg_catalog.=) ? AND state OPERATOR(pg_catalog.=) 'active'"
            + " AND pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()"
            + " AND query_start OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) ?::pg_catalog.interval)";
    private static final String BACKENDS =
            "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
                    + " WHERE datname OPERATOR(pg_catalog.=) ? AND pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()";

    private final Admin admin;
    private final String database;
    private final Duration statementTimeout;
    private final Duration totalTimeout;
    private final long deadline;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bv-restore-watchdog");
        t.setDaemon(true);
        return t;
    });
    /**
     * Begins every check statement a restore runs inside its schedule (ANALYZE, amcheck): one of them
     * cancelled is that check's failure, never the restore's.
     */
    static final String CHECK_MARK = "/* backup-verifier check */ ";

    private final AtomicReference<String> cancelled = new AtomicReference<>();
    private final AtomicReference<String> cancelledRestore = new AtomicReference<>();
    /** Statements cancelled (pid and start), and when: one that catches its cancel is terminated after {@link #cancelGraceNanos}. */
    private final Map<String, Long> cancelledAt = new HashMap<>();

    /** 3 s; a package-private setting only so that tests of the terminate path need not wait it out. */
    static volatile long cancelGraceNanos = TimeUnit.SECONDS.toNanos(3);

    private volatile boolean expired;
    private boolean warned;
    private static final Logger LOG = LoggerFactory.getLogger(RestoreWatchdog.class);

    RestoreWatchdog(Admin admin, String database, Duration statementTimeout, Duration totalTimeout) {
        this.admin = admin;
        this.database = database;
        this.statementTimeout = statementTimeout;
        this.totalTimeout = totalTimeout;
        this.deadline = System.nanoTime() + totalTimeout.toNanos();
        long period = Math.max(100, Math.min(1000, statementTimeout.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::poll, period, period, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try (Connection c = admin.connect()) {
            if (System.nanoTime() - deadline >= 0) {
                if (!expired) {
                    expired = true;
                    try (var s = c.createStatement()) {
                        s.execute("ALTER DATABASE " + TestDatabases.ident(database) + " WITH ALLOW_CONNECTIONS false");
                    }
                }
                try (PreparedStatement s = c.prepareStatement(BACKENDS)) {
                    s.setString(1, database);
                    s.executeQuery().close();
                }
                return;
            }
            try (PreparedStatement s = c.prepareStatement(LONG_RUNNING)) {
                s.setString(1, database);
                s.setString(2, statementTimeout.toMillis() + " milliseconds");
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String statement = rs.getString(2).strip();
                        cancelled.compareAndSet(null, statement);
                        if (!statement.startsWith(CHECK_MARK.strip())) {
                            cancelledRestore.compareAndSet(null, statement);
                        }
                        // a cancel is an error PL/pgSQL can catch (EXCEPTION WHEN query_canceled): still
                        // running a moment after it, the statement's backend is terminated
                        Long first = cancelledAt.putIfAbsent(rs.getInt(1) + "@" + rs.getString(3), System.nanoTime());
                        String stop = first != null && System.nanoTime() - first >= cancelGraceNanos
                                ? "pg_terminate_backend"
                                : "pg_cancel_backend";
                        try (PreparedStatement cancel = c.prepareStatement("SELECT pg_catalog." + stop + "(?)")) {
                            cancel.setInt(1, rs.getInt(1));
                            cancel.executeQuery().close();
                        }
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            // the server may be busy or gone: the next round tries again, the restore reports what failed
            if (!warned) {
                warned = true;
                LOG.warn("Restore watchdog cannot reach the test server: {}", e.getMessage());
            }
        }
    }

    /** The first statement cancelled for running longer than the statement timeout, or null. */
    String cancelled() {
        return cancelled.get();
    }

    /** The same, of the restore's own statements only (not a check it ran inside its schedule), or null. */
    String cancelledRestoreStatement() {
        return cancelledRestore.get();
    }

    /** True when the whole test ran out of time. */
    boolean expired() {
        return expired;
    }

    Duration statementTimeout() {
        return statementTimeout;
    }

    Duration totalTimeout() {
        return totalTimeout;
    }

    /** Time left for the whole test (for waits outside the database, e.g. pg_restore). */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** Stops watching; after an expiry, terminates what is left so the database can be dropped. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Terminates every backend of the test database (before dropping it). */
    static void terminateBackends(Admin admin, String database) {
        try (Connection c = admin.connect();
                PreparedStatement s = c.prepareStatement(BACKENDS)) {
            s.setString(1, database);
            s.executeQuery().close();
        } catch (SQLException e) {
            // DROP DATABASE ... WITH (FORCE) terminates them too
        }
    }

    /** "1h", "90s": a duration as a person writes it. */
    static String human(Duration d) {
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
