package io.backupverifier.restore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A throw-away database for one restore test, owned by a freshly created role without
 * superuser rights. Everything of the dump, and every check, runs as that role: the admin
 * account only creates and drops the database and role, installs amcheck into a schema of
 * its own after the restore, and terminates backends; it never runs a function of the dump.
 */
public record TestDatabase(
        String host, int port, String database, String role, String password, String adminUser, String adminPassword) {

    private static final String SAFE_PATH = "pg_catalog, pg_temp";

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /**
     * A connection as the restore role: what the dump's statements run as. A throw-away
     * database needs no durable commits, and index builds need memory more than disk sorts:
     * at least 256 MB, more when the server gives more (the embedded one is sized to the machine).
     * Session settings any role may set, so also on an external server.
     */
    public Connection connect() throws SQLException {
        Connection c = open(role, password);
        try (Statement s = c.createStatement()) {
            s.execute(
                    "SELECT pg_catalog.set_config('synchronous_commit', 'off', false), CASE WHEN pg_catalog.pg_size_bytes("
                            + "pg_catalog.current_setting('maintenance_work_mem')) OPERATOR(pg_catalog.<) 268435456"
                            + " THEN pg_catalog.set_config('maintenance_work_mem', '256MB', false) END");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A connection for the parallel restore: it already builds one index per connection, so
     * PostgreSQL's own parallel index workers would only compete for the same cores.
     */
    public Connection connectForRestore() throws SQLException {
        Connection c = connect();
        try (Statement s = c.createStatement()) {
            s.execute("SET max_parallel_maintenance_workers = 0");
        }
        return c;
    }

    /**
     * A connection as the restore role for the checks: {@code search_path = pg_catalog, pg_temp}
     * (as PostgreSQL's own tools since CVE-2018-1058), so nothing the dump defined can stand in
     * for a function, operator or table the checks name.
     */
    public Connection connectForChecks() throws SQLException {
        return pinned(connect(), SAFE_PATH);
    }

    /**
     * A connection as the restore role with the search path the operator's own queries expect
     * on the live database ({@code "$user", public}; pg_catalog still first), whatever the dump
     * set for its database or role: for the consistency queries.
     */
    public Connection connectForQueries() throws SQLException {
        return pinned(connect(), "\"$user\", public");
    }

    /**
     * A connection as the admin account, to this test database only, with {@code search_path =
     * pg_catalog, pg_temp}: use it only for statements that name no function or operator of the dump.
     * The database's owner (the dump) may have set a role or time limits for every session of
     * its database ({@code ALTER DATABASE ... SET role}): the admin takes none of them.
     */
    public Connection connectAdmin() throws SQLException {
        Connection c = pinned(open(adminUser, adminPassword), SAFE_PATH);
        try (Statement s = c.createStatement()) {
            s.execute(
                    "SELECT pg_catalog.set_config('role', 'none', false), pg_catalog.set_config('statement_timeout', '0', false),"
                            + " pg_catalog.set_config('lock_timeout', '0', false)");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static Connection pinned(Connection c, String searchPath) throws SQLException {
        // row_security off: a policy the dump forces on its own table (FORCE ROW LEVEL SECURITY binds its owner, the
        // restore role) makes a query on it an error instead of silently hiding rows from a check (an orphan, say)
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, false),"
                + " pg_catalog.set_config('default_transaction_read_only', 'off', false),"
                + " pg_catalog.set_config('row_security', 'off', false)")) {
            s.setString(1, searchPath);
            s.execute();
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
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
