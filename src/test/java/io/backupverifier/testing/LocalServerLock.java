package io.backupverifier.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test class at a time, across the parallel test JVMs, for classes that act on the local server
 * (127.0.0.1:5432) as a whole ({@code @RegisterExtension static}): orphan cleanup drops the test databases
 * of every process that is gone, whichever test made them, so a test that kills a process and expects
 * its cleanup to be the one that drops what it left must not share that moment with another such test.
 * A PostgreSQL advisory lock held by a session of the class's; none when no local server answers (an
 * embedded one is the JVM's own).
 */
public final class LocalServerLock implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private Connection held;

    /** @param name what is locked; classes that lock the same name run one after the other */
    public LocalServerLock(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!TestPostgres.localAnswers()) {
            return;
        }
        held = DriverManager.getConnection(
                "jdbc:postgresql://" + TestPostgres.HOST + ":5432/postgres?connectTimeout=10", TestPostgres.USER, "");
        try (PreparedStatement lock =
                held.prepareStatement("SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtext(?))")) {
            lock.setString(1, "bv-test " + name);
            lock.execute(); // waits for the class that holds it
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (held != null) {
            held.close(); // the lock goes with the session
            held = null;
        }
    }
}
