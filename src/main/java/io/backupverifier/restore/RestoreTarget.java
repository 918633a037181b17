package io.backupverifier.restore;

import java.sql.Connection;
import java.sql.SQLException;

/** Where restore tests happen: never the production database. */
public interface RestoreTarget extends AutoCloseable {

    /** Creates a database named {@code name} and a restore role that owns it. */
    TestDatabase create(String name) throws SQLException;

    /** Drops the database and its role. */
    void drop(TestDatabase db);

    /** An admin connection to the server's maintenance database (never into a test database). */
    Connection admin() throws SQLException;

    /**
     * Keeps a test database for a user (--verify-only). Returns true when it outlives this
     * process (an external server, where maintenance drops it after TEST_DB_RETENTION_DAYS);
     * false when it goes when the target closes (embedded).
     */
    default boolean keep(TestDatabase db) {
        return false;
    }

    /** One line for logs: which server. */
    String describe();

    @Override
    void close();
}
