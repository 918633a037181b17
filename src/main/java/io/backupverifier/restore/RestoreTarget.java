package io.backupverifier.restore;

import java.sql.SQLException;

/** Where restore tests happen: never the production database. */
public interface RestoreTarget extends AutoCloseable {

    /** Creates a database named {@code name} and a restore role that owns it. */
    TestDatabase create(String name) throws SQLException;

    /** Drops the database and its role. */
    void drop(TestDatabase db);

    /** One line for logs: which server. */
    String describe();

    @Override
    void close();
}
