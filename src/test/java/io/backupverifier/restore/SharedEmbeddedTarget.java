package io.backupverifier.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One embedded restore server (the application's own {@link EmbeddedTarget}) for all the restore test classes of a
 * test JVM: each start costs seconds. The classes keep their own work directories and test databases. Its directory is
 * one the server's user can reach, so its data directory is inside it. The Camel stops of other tests in between do not
 * close it ({@link EmbeddedTarget#closedByOwner}); a server found closed all the same is started again. It stops when
 * the JVM ends.
 */
final class SharedEmbeddedTarget {

    private static Path work;
    private static EmbeddedTarget server;

    private SharedEmbeddedTarget() {}

    static synchronized EmbeddedTarget get() throws IOException {
        if (server != null && answers(server)) {
            return server;
        }
        if (work == null) {
            work = Files.createTempDirectory(
                    "bv-restore-tests",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Runtime.getRuntime().addShutdownHook(new Thread(SharedEmbeddedTarget::stop, "bv-restore-tests-stop"));
        }
        server = EmbeddedTarget.closedByOwner(work);
        return server;
    }

    private static boolean answers(EmbeddedTarget server) {
        try (Connection c = server.admin()) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false; // closed, or the server went away
        }
    }

    private static synchronized void stop() {
        if (server != null) {
            server.close();
        }
        // the template in it too, before the directory: EmbeddedServer's own exit hook removes it at the same time,
        // and a file it removed while the walk below passed by left the directory behind
        EmbeddedServer.removeTemplates();
        try {
            OrphanServers.deleteTree(work);
        } catch (IOException | UncheckedIOException e) {
            // the JVM is going away
        }
    }
}
