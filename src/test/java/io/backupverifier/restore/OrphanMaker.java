package io.backupverifier.restore;

import java.nio.file.Path;

/**
 * A process that starts a restore test's embedded server (or, given a port, a test database on
 * the external server there instead, as a restore test with TEST_DB_HOST does) and then waits to
 * be killed: what {@code kill -9} during a restore test leaves behind.
 */
public final class OrphanMaker {

    private OrphanMaker() {}

    /** Prints {@code READY <server home>}, or {@code READY <test database>} given a port and name. */
    public static void main(String[] args) throws Exception {
        String line;
        if (args.length > 2) {
            line = "READY "
                    + new ExternalTarget("127.0.0.1", Integer.parseInt(args[1]), "postgres", "")
                            .create(args[2])
                            .database();
        } else {
            line = "READY " + new EmbeddedTarget(Path.of(args[0])).home();
        }
        System.out.println(line);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
