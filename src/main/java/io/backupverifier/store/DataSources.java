package io.backupverifier.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Makes the results store's DataSource from its JDBC URL: an SQLite file by default, PostgreSQL
 * when configured, both behind a HikariCP pool. The pool starts even when the store is down
 * (verification goes on without it), and a caller waits at most {@link #WAIT_MS} for a connection.
 */
public final class DataSources {

    /** How long a caller waits for a connection: a store that is away is soon known to be, and results are spooled. */
    static final long WAIT_MS = 3_000;

    /**
     * The wait of the pools made from now on: always {@link #WAIT_MS} in the application (no setting changes it).
     * Only a test that waits through a store outage (each start, status page, health check and result of the outage
     * waits once, and a pool's stop waits as long for its connection attempt) shortens it, with {@link #waitForTests}
     * (tests of other packages through the test tree's {@code StoreWaitForTests}): what it proves is what the service
     * does when no connection comes, not how long it waited for it.
     */
    private static volatile long waitMs = WAIT_MS;

    private DataSources() {}

    /** Pools made from now on wait {@code ms} for a connection; {@link #WAIT_MS} again sets it back. */
    static void waitForTests(long ms) {
        waitMs = ms;
    }

    public static DataSource of(String url, String user, String password) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("results-store");
        pool.setConnectionTimeout(waitMs);
        pool.setInitializationFailTimeout(-1); // a store that is down does not stop start-up
        if (url.startsWith("jdbc:sqlite:")) {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()));
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the results store directory for " + file + ": " + e, e);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(30_000); // parallel verifications write at once
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // a transaction takes the write lock when it begins and waits for it (busy timeout): a deferred one that
            // read first fails at once with SQLITE_BUSY when another connection wrote in between
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl(url);
            pool.setDataSource(ds);
        } else {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            if (!user.isEmpty()) {
                ds.setUser(user);
            }
            if (!password.isEmpty()) {
                ds.setPassword(password);
            }
            ds.setConnectTimeout(10);
            pool.setDataSource(ds);
        }
        // every verification thread, the watcher, alerts and the status page at once, without waiting on the pool
        pool.setMaximumPoolSize(Math.max(10, 2 * Runtime.getRuntime().availableProcessors()));
        pool.setMinimumIdle(2); // an idle service holds two connections, not the whole pool
        return new Pool(pool);
    }

    /**
     * The pool, saying why the store cannot be reached (the server's own words, e.g. a login
     * refused) rather than only that no connection came within the wait.
     */
    static final class Pool extends HikariDataSource {

        /**
         * The last time no connection could be made (the server's own words), and until when it
         * stands: within one wait of it, a caller is told at once instead of waiting the whole wait
         * again. A run that finds the store away then pays the wait once, not once per result,
         * health check and page. Pool exhaustion (no server error) is not remembered: that caller
         * alone waited too long.
         */
        private volatile SQLException unreachable;

        private volatile long unreachableUntil;

        Pool(HikariConfig config) {
            super(config);
        }

        @Override
        public Connection getConnection() throws SQLException {
            SQLException recent = unreachable;
            if (recent != null && unreachableUntil - System.nanoTime() > 0) {
                throw new SQLException(recent.getMessage(), recent.getSQLState(), recent.getErrorCode(), recent);
            }
            try {
                Connection c = super.getConnection();
                unreachable = null;
                return c;
            } catch (SQLTransientConnectionException e) {
                if (e.getCause() instanceof SQLException cause) {
                    SQLException why =
                            new SQLException(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), e);
                    unreachableUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(getConnectionTimeout());
                    unreachable = why;
                    throw why;
                }
                throw e;
            }
        }
    }
}
