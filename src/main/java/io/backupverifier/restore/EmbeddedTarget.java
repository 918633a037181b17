package io.backupverifier.restore;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The default restore target: an embedded PostgreSQL (zonky's binaries, newest major) started
 * for one restore test on a free port, in a temporary directory removed when it stops; never
 * as root (see {@link EmbeddedServer}).
 */
public final class EmbeddedTarget implements RestoreTarget {

    /** Servers running now: stopped by {@link #closeAll()} when the application stops. */
    private static final Set<EmbeddedTarget> OPEN = ConcurrentHashMap.newKeySet();

    private static final Object STARTING = new Object();

    /** When the JVM runs as root, the server runs as this OS user (EMBEDDED_PG_USER). */
    public static final String DEFAULT_OS_USER = "nobody";

    /**
     * Tuned as a throw-away load (the server is removed after the test): no fsync, no full-page
     * writes, minimal WAL and few checkpoints, no autovacuum, index builds with memory sized to
     * this machine (an eighth of it, 64 MB to 1 GB; each restore connection builds one index).
     */
    private static final Map<String, String> CONFIG = new LinkedHashMap<>();

    static {
        CONFIG.put("fsync", "off");
        CONFIG.put("synchronous_commit", "off");
        CONFIG.put("full_page_writes", "off");
        CONFIG.put("wal_level", "minimal");
        CONFIG.put("max_wal_senders", "0");
        CONFIG.put("max_wal_size", "8GB");
        CONFIG.put("checkpoint_timeout", "1h");
        CONFIG.put("autovacuum", "off");
        CONFIG.put("maintenance_work_mem", maintenanceWorkMemMb() + "MB");
        CONFIG.put("shared_buffers", "256MB");
        CONFIG.put("timezone", "UTC");
    }

    private final EmbeddedServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    public EmbeddedTarget(Path workDir) {
        this(workDir, DEFAULT_OS_USER);
    }

    /** @param osUser the OS user the server runs as when this JVM is root */
    public EmbeddedTarget(Path workDir, String osUser) {
        this(workDir, osUser, true);
    }

    /**
     * @param withApplication whether {@link #closeAll()} closes it; a server that outlives the
     *     application's stops (the one the restore tests share, across the Camel contexts of other
     *     tests) is closed by its owner only
     */
    private EmbeddedTarget(Path workDir, String osUser, boolean withApplication) {
        synchronized (STARTING) { // closeAll() waits for a server that is starting, so none escapes it
            server = start(workDir, osUser);
            if (withApplication) {
                OPEN.add(this);
            }
        }
    }

    /** A server that {@link #closeAll()} leaves running: whoever starts it closes it. */
    static EmbeddedTarget closedByOwner(Path workDir) {
        return new EmbeddedTarget(workDir, DEFAULT_OS_USER, false);
    }

    /**
     * Stops every embedded server still running (the application stops: Camel calls this after
     * in-flight restore tests finished, or gave up waiting for them). Their initdb templates go
     * when the JVM exits, right after the application in both the service and a command; a JVM that
     * runs several applications one after the other (the tests) keeps its initdb for the next.
     */
    public static void closeAll() {
        synchronized (STARTING) {
            for (EmbeddedTarget t : List.copyOf(OPEN)) {
                t.close();
            }
        }
    }

    private static EmbeddedServer start(Path workDir, String osUser) {
        try {
            return EmbeddedServer.start(workDir, osUser, CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Memory for one index build: an eighth of this machine's, within 64 MB and 1 GB. */
    static long maintenanceWorkMemMb() {
        long total = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getTotalMemorySize()
                : 2L << 30;
        return Math.max(64, Math.min(1024, total / 8 / (1 << 20)));
    }

    /** An admin connection to a database of this server. */
    Connection admin(String database) throws SQLException {
        return server.connectAdmin(database);
    }

    @Override
    public Connection admin() throws SQLException {
        return server.connectAdmin("postgres");
    }

    /** The server's own directory (tests look at it). */
    Path home() {
        return server.home();
    }

    @Override
    public TestDatabase create(String name) throws SQLException {
        try (Connection admin = server.connectAdmin("postgres")) {
            return TestDatabases.create(admin, "127.0.0.1", server.port(), name, "postgres", server.adminPassword());
        }
    }

    @Override
    public void drop(TestDatabase db) {
        try (Connection admin = server.connectAdmin("postgres")) {
            TestDatabases.drop(admin, db);
        } catch (SQLException e) {
            // the whole server goes away on close
        }
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL on port " + server.port();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // closed already
        }
        OPEN.remove(this);
        server.close();
    }
}
