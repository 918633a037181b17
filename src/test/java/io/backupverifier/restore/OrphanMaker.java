package io.backupverifier.restore;

import java.nio.file.Path;

/**
 * A process that starts a restore test's embedded server (and, given a port, a test database
 * on the external server there) and then waits to be killed: what {@code kill -9} during a
 * restore test leaves behind.
 */
public final class OrphanMaker {

    private OrphanMaker() {}

    public static void main(String[] args) throws Exception {
        EmbeddedTarget embedded = new EmbeddedTarget(Path.of(args[0]));
        String line = "READY " + embedded.home();
        if (args.length > 2) {
            TestDatabase db =
                    new ExternalTarget("127.0.0.1", Integer.parseInt(args[1]), "postgres", "").create(args[2]);
            line += " " + db.database();
        }
        System.out.println(line);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
