package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupverifier.checks.Verification;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results store on PostgreSQL ({@link TestPostgres}: the local server, else an embedded one), in a
 * throw-away database.
 */
class ResultsStorePostgresTest {

    private static final String SERVER = TestPostgres.url(""); // the local server, or an embedded one
    private final String db = "bv_store_test_" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeEach
    void createDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
            s.execute("CREATE DATABASE " + db);
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            // nothing was created
        }
    }

    @Test
    void sameSchemaAndResultsOnPostgres() throws Exception {
        DataSource data = DataSources.of(SERVER + db, "postgres", "");
        ResultsStore store = new ResultsStore(data, Clock.systemUTC());
        store.init();
        store.init(); // start-up runs it every time: it must be repeatable
        Path bad = Fixtures.backup(dir, "shop.sql.gz", "backup.gz");
        Fixtures.truncate(bad, 2000);
        Verification v = Fixtures.verify(bad);
        store.save(v);
        assertThat(new ResultsQueries(data).verificationsOf(bad.toAbsolutePath().toString(), null))
                .hasSize(1);
        try (Connection c = DriverManager.getConnection(SERVER + db, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v.status, v.kind, c.status, c.message FROM bv_verification v"
                        + " JOIN bv_check c ON c.verification_id = v.id WHERE c.check_id = 'gzip_integrity'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("FAILED");
            assertThat(rs.getString(2)).isEqualTo("plain");
            assertThat(rs.getString(3)).isEqualTo("FAILED");
            assertThat(rs.getString(4)).contains("truncated");
        }
    }

    @Test
    void unreachableStoreSaysSoInOneLine() {
        ResultsStore store =
                new ResultsStore(DataSources.of("jdbc:postgresql://127.0.0.1:1/none", "x", ""), Clock.systemUTC());
        assertThatThrownBy(store::init)
                .isInstanceOf(ResultsStoreException.class)
                .hasMessageStartingWith("Results store unavailable: ");
    }
}
