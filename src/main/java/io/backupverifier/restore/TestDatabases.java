package io.backupverifier.restore;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/** Creating and dropping a test database and its restore role, on any server we administer. */
final class TestDatabases {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Starts the role comment of a test database kept on purpose (--verify-only). */
    static final String KEPT = "kept by --verify-only;";

    private TestDatabases() {}

    /**
     * As the admin on {@code admin} (a connection to a maintenance database): a role with
     * LOGIN and nothing else, and a database it owns.
     */
    static TestDatabase create(
            Connection admin, String host, int port, String name, String adminUser, String adminPassword)
            throws SQLException {
        String role = roleFor(name);
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + ident(role)
                    + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS" + " PASSWORD '" + password
                    + "'");
            // who made it: a test database whose process died is removed at the next start; the
            // role's comment, which the restore role (no CREATEROLE) cannot change
            try {
                s.execute("COMMENT ON ROLE " + ident(role) + " IS "
                        + literal(OwnerMarker.ofThisProcess().toString()));
            } catch (SQLException e) {
                // an admin that may not comment: the database is then left to TEST_DB_RETENTION_DAYS
            }
            try {
                s.execute("CREATE DATABASE " + ident(name) + " OWNER " + ident(role)
                        + " TEMPLATE template0 ENCODING 'UTF8'");
            } catch (SQLException e) {
                s.execute("DROP ROLE IF EXISTS " + ident(role));
                throw e;
            }
        }
        return new TestDatabase(host, port, name, role, password, adminUser, adminPassword);
    }

    /** The restore role of a test database: named after it, within PostgreSQL's 63-character limit. */
    static String roleFor(String database) {
        String role = "bv_restore_" + database.replaceAll("[^a-z0-9_]", "_");
        return role.length() > 63 ? role.substring(0, 63) : role;
    }

    static void drop(Connection admin, TestDatabase db) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + ident(db.database()) + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + ident(db.role()));
        }
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
