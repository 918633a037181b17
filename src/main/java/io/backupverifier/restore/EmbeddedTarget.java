package io.backupverifier.restore;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The default restore target: an embedded PostgreSQL (zonky, newest major) started for one
 * restore test on a free port, in a temporary directory removed when it stops. Tuned as a
 * throw-away: no fsync, no WAL archiving, no autovacuum.
 */
public final class EmbeddedTarget implements RestoreTarget {

    /** Leftover data directories are named so; maintenance removes them. */
    public static final String DIR_PREFIX = "bv-embedded-pg-";

    /** Servers running now: stopped by {@link #closeAll()} when the application stops. */
    private static final java.util.Set<EmbeddedTarget> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Object STARTING = new Object();

    private final EmbeddedPostgres server;

    public EmbeddedTarget(Path workDir) {
        synchronized (STARTING) { // closeAll() waits for a server that is starting, so none escapes it
            server = start(workDir);
            OPEN.add(this);
        }
    }

    /**
     * Stops every embedded server still running (the application stops: Camel calls this
     * after in-flight restore tests finished, or gave up waiting for them).
     */
    public static void closeAll() {
        synchronized (STARTING) {
            for (EmbeddedTarget t : java.util.List.copyOf(OPEN)) {
                t.close();
            }
        }
    }

    private static EmbeddedPostgres start(Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path dataDir = Files.createTempDirectory(workDir, DIR_PREFIX);
            // no shutdown hook of zonky's: it would stop the server under a restore test that
            // Camel's graceful shutdown is still waiting for; closeAll() stops it after
            return EmbeddedPostgres.builder()
                    .setPort(0)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("wal_level", "minimal")
                    .setServerConfig("max_wal_senders", "0")
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("autovacuum", "off")
                    .setServerConfig("maintenance_work_mem", "256MB")
                    .setServerConfig("shared_buffers", "256MB")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    @Override
    public TestDatabase create(String name) throws SQLException {
        try (Connection admin = server.getPostgresDatabase().getConnection()) {
            return TestDatabases.create(admin, "localhost", server.getPort(), name, "postgres", "");
        }
    }

    @Override
    public void drop(TestDatabase db) {
        try (Connection admin = server.getPostgresDatabase().getConnection()) {
            TestDatabases.drop(admin, db);
        } catch (SQLException e) {
            // the whole server goes away on close
        }
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL on port " + server.getPort();
    }

    @Override
    public void close() {
        if (!OPEN.remove(this)) {
            return; // closed already
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
