package io.backupverifier.restore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A PostgreSQL server named by TEST_DB_HOST: each restore test creates its own database
 * there ({@code <DB_NAME>_test_YYYYMMDD_HHMMSS}) and drops it afterwards; it never touches
 * any other database.
 */
public final class ExternalTarget implements RestoreTarget {

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    public ExternalTarget(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("options", "-c search_path=pg_catalog,pg_temp"); // as PostgreSQL's own tools do
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
    }

    @Override
    public TestDatabase create(String name) throws SQLException {
        try (Connection admin = admin()) {
            return TestDatabases.create(admin, host, port, name, user, password);
        }
    }

    @Override
    public void drop(TestDatabase db) {
        try (Connection admin = admin()) {
            TestDatabases.drop(admin, db);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop test database " + db.database() + ": " + e.getMessage(), e);
        }
    }

    /** Marks the database kept, so that orphan cleanup leaves it to TEST_DB_RETENTION_DAYS. */
    @Override
    public boolean keep(TestDatabase db) {
        try (Connection admin = admin();
                Statement s = admin.createStatement()) {
            s.execute("COMMENT ON ROLE " + TestDatabases.ident(db.role()) + " IS "
                    + TestDatabases.literal(TestDatabases.KEPT + " " + OwnerMarker.ofThisProcess()));
        } catch (SQLException e) {
            // without the mark it is still dropped by retention; orphan cleanup may drop it sooner
        }
        return true;
    }

    @Override
    public String describe() {
        return "PostgreSQL server " + host + ":" + port;
    }

    @Override
    public void close() {
        // nothing held open
    }
}
