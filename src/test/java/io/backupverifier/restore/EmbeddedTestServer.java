package io.backupverifier.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The application's embedded PostgreSQL launcher ({@link EmbeddedServer}, zonky's binaries; as root
 * it runs the server as an unprivileged user) for tests that need a server of their own for the
 * whole run. Not an {@link EmbeddedTarget}: every Camel stop closes those.
 */
public final class EmbeddedTestServer implements AutoCloseable {

    private final EmbeddedServer server;

    private EmbeddedTestServer(EmbeddedServer server) {
        this.server = server;
    }

    public static EmbeddedTestServer start(Path workDir) throws IOException {
        return new EmbeddedTestServer(EmbeddedServer.start(
                workDir,
                EmbeddedTarget.DEFAULT_OS_USER,
                Map.of("fsync", "off", "synchronous_commit", "off", "timezone", "UTC")));
    }

    public int port() {
        return server.port();
    }

    /** A superuser connection to the {@code postgres} database. */
    public Connection admin() throws SQLException {
        return server.connectAdmin("postgres");
    }

    @Override
    public void close() {
        server.close();
    }
}
