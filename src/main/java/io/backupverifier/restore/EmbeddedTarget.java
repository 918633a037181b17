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

    private final EmbeddedPostgres server;
    private final Path dataDir;

    public EmbeddedTarget(Path workDir) {
        try {
            Files.createDirectories(workDir);
            dataDir = Files.createTempDirectory(workDir, DIR_PREFIX);
            server = EmbeddedPostgres.builder()
                    .setPort(0)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(true)
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
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
