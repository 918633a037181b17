package io.backupverifier.app;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The results store's DataSource while its schema is brought up to date on a thread of its own
 * (a one-shot command: Flyway's few hundred classes load while Camel starts on the other core).
 * Whoever else asks for a connection before that is done waits for it, so nothing ever sees a
 * store without its tables; the schema thread itself goes straight through.
 */
final class SchemaFirst implements DataSource {

    private final DataSource pool;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Thread schemaThread;

    SchemaFirst(DataSource pool) {
        this.pool = pool;
    }

    /** Runs {@code migrate} (which must not throw) on a daemon thread; connections wait until it has ended. */
    void migrateInBackground(Runnable migrate) {
        Thread t = new Thread(
                () -> {
                    try {
                        migrate.run();
                    } finally {
                        ready.countDown();
                    }
                },
                "bv-results-schema");
        t.setDaemon(true);
        schemaThread = t;
        t.start();
    }

    private void awaitSchema() throws SQLException {
        if (Thread.currentThread() == schemaThread) {
            return;
        }
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the results store's schema was prepared", e);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        awaitSchema();
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        awaitSchema();
        return pool.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }
}
