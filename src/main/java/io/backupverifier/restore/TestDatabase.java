package io.backupverifier.restore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A throw-away database for one restore test, owned by a freshly created role without
 * superuser rights; the admin account is used only to create, check with amcheck, and drop.
 */
public record TestDatabase(String host, int port, String database, String role, String password,
                           String adminUser, String adminPassword) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /**
     * A connection as the restore role: what the dump's statements run as. A throw-away
     * database needs no durable commits, and index builds need memory more than disk sorts.
     */
    public Connection connect() throws SQLException {
        Connection c = open(role, password);
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = off");
            s.execute("SET maintenance_work_mem = '256MB'");
        }
        return c;
    }

    /**
     * A connection for the parallel restore: it already builds one index per connection, so
     * PostgreSQL's own parallel index workers would only compete for the same cores.
     */
    public Connection connectForRestore() throws SQLException {
        Connection c = connect();
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET max_parallel_maintenance_workers = 0");
        }
        return c;
    }

    /** A connection as the admin account, to this test database only. */
    public Connection connectAdmin() throws SQLException {
        return open(adminUser, adminPassword);
    }

    private Connection open(String user, String pass) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (pass != null && !pass.isEmpty()) {
            p.setProperty("password", pass);
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "backup-verifier restore test");
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    /** How to look at a kept test database with psql. */
    public String psqlHint() {
        return "psql -h " + host + " -p " + port + " -U " + role + " -d " + database;
    }
}
