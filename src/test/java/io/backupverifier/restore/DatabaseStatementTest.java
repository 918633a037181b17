package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code --create} dump's {@code COMMENT ON DATABASE} and {@code ALTER DATABASE ... SET} land
 * on the test database (the restorer names it with {@link TestDatabase#quotedName()}), as the
 * restore role; nothing else goes through that door.
 */
class DatabaseStatementTest {

    static Path work;
    static EmbeddedTarget server;
    static TestDatabase db;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("bv-dbstmt-test");
        server = new EmbeddedTarget(work);
        db = server.create("shop_test_20251227_120000");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        OrphanServers.deleteTree(work);
    }

    @Test
    void commentAndSettingsApplyToTheTestDatabase() throws Exception {
        db.applyDatabaseStatement("COMMENT ON DATABASE " + db.quotedName() + " IS 'the shop';");
        db.applyDatabaseStatement("ALTER DATABASE " + db.quotedName() + " SET work_mem TO '8MB';");
        try (Connection c = db.connectForChecks(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.shobj_description(d.oid, 'pg_database'),"
                     + " (SELECT pg_catalog.array_to_string(setconfig, ',') FROM pg_catalog.pg_db_role_setting"
                     + "  WHERE setdatabase = d.oid AND setrole = 0), pg_catalog.current_setting('work_mem')"
                     + " FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("the shop");
            assertThat(rs.getString(2)).isEqualTo("work_mem=8MB");
            assertThat(rs.getString(3)).as("a new session has the database's setting").isEqualTo("8MB");
        }
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> db.applyDatabaseStatement("COMMENT ON DATABASE postgres IS 'x'"))
                .isInstanceOf(SQLException.class).hasMessageStartingWith("Not a statement about the test database");
        assertThatThrownBy(() -> db.applyDatabaseStatement("ALTER DATABASE " + db.quotedName() + " OWNER TO postgres"))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> db.applyDatabaseStatement("ALTER DATABASE " + db.quotedName() + " RENAME TO x"))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void superuserOnlySettingsFailAsTheRestoreRole() {
        // the statement runs as the database's owner, never as the admin
        assertThatThrownBy(() -> db.applyDatabaseStatement("ALTER DATABASE " + db.quotedName()
                + " SET session_preload_libraries = 'auto_explain'")).isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
    }
}
