package io.backupverifier.livedb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupverifier.app.AppBeans;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.config.Settings;
import io.backupverifier.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route {@code check-db} alone (routes/check-db.yaml with the error handling it opts into), started by
 * camel-test-main with the application's own beans, against PostgreSQL ({@link TestPostgres}): the verdicts
 * for a database with an orphan row and a missing key table and one that is clean,.
 */
@CamelMainTest
class CheckDbRouteTest {

    private final String db = "bv_jdbc_route_" + ProcessHandle.current().pid();

    @TempDir
    Path root;

    @Produce("direct:check-db")
    ProducerTemplate checkDb;

    @Configure
    void configure(MainConfigurationProperties main) throws Exception {
        Path queries = Files.writeString(
                root.resolve("consistency.properties"),
                "profiles_without_user = SELECT count(*) FROM core_userprofile p LEFT JOIN auth_user u ON u.id = p.user_id"
                        + " WHERE u.id IS NULL\n");
        Settings settings = Settings.load(
                root.resolve("absent.properties"),
                root,
                Map.of(
                        "BACKUP_DIR",
                        root.toString(),
                        "VERIFICATION_LOG_DIR",
                        root.resolve("logs").toString(),
                        "RESTORE_LOG_DIR",
                        root.resolve("restore_logs").toString(),
                        "DB_HOST",
                        TestPostgres.HOST,
                        "DB_PORT",
                        Integer.toString(TestPostgres.port()),
                        "DB_USER",
                        TestPostgres.reader(),
                        "DB_NAME",
                        db,
                        "RESTORE_KEY_TABLES",
                        "auth_user,core_userprofile,audit.event_log",
                        "CONSISTENCY_CHECKS_FILE",
                        queries.toString()),
                Map.of());
        Properties camel = settings.camelProperties(false);
        main.addConfiguration(
                new CamelConfiguration() { // the placeholders the routes use, as the application sets them
                    @Override
                    public void configure(CamelContext context) {
                        context.getPropertiesComponent().setOverrideProperties(camel);
                    }
                });
        main.addConfiguration(new AppBeans(settings, settings.consistencyQueries(root), Clock.systemUTC()));
        main.withRoutesIncludePattern("file:routes/check-db.yaml,file:routes/errors.yaml");
    }

    private void seed(boolean orphan) throws SQLException {
        try (Connection c = TestPostgres.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
            s.execute("CREATE DATABASE " + db);
        }
        try (Connection c = TestPostgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE auth_user (id int PRIMARY KEY)");
            s.execute("CREATE TABLE core_userprofile (id int PRIMARY KEY, user_id int)"); // no foreign key: orphans
            // possible
            s.execute("INSERT INTO auth_user VALUES (1), (2)");
            s.execute("INSERT INTO core_userprofile VALUES (1, 1), (2, 2)");
            if (orphan) {
                s.execute("INSERT INTO core_userprofile VALUES (3, 99)");
            } else {
                s.execute("CREATE SCHEMA audit");
                s.execute("CREATE TABLE audit.event_log (id int)");
            }
        }
    }

    @AfterEach
    void drop() throws SQLException {
        try (Connection c = TestPostgres.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    private Map<String, CheckResult> run() {
        LiveDatabaseResult r = checkDb.requestBody((Object) null, LiveDatabaseResult.class);
        assertThat(r.location())
                .isEqualTo("postgresql://" + TestPostgres.READER + "@127.0.0.1:" + TestPostgres.port() + "/" + db);
        return r.checks();
    }

    @Test
    void anOrphanRowFailsTheConsistencyCheckAndAMissingKeyTableIsNamed() throws Exception {
        seed(true);
        Map<String, CheckResult> checks = run();
        assertThat(checks.keySet()).containsExactly("connectivity", "key_tables", "blocked_locks", "consistency");
        assertThat(checks.get("connectivity").message())
                .startsWith("Connected to postgresql://")
                .contains("(PostgreSQL ");
        assertThat(checks.get("key_tables")).isEqualTo(CheckResult.failed("Key tables missing: audit.event_log"));
        assertThat(checks.get("blocked_locks").message()).isEqualTo("No blocked locks");
        CheckResult consistency = checks.get("consistency");
        assertThat(consistency.status()).hasToString("FAILED");
        assertThat(consistency.message())
                .startsWith("Consistency checks failed: ")
                .contains("profiles_without_user: 1");
    }

    @Test
    void aCleanDatabasePassesEveryCheck() throws Exception {
        seed(false);
        Map<String, CheckResult> checks = run();
        assertThat(checks.values())
                .extracting(r -> r.status().toString())
                .containsExactly("PASSED", "PASSED", "PASSED", "PASSED");
        assertThat(checks.get("key_tables").message())
                .isEqualTo("Key tables present: auth_user, core_userprofile, audit.event_log");
        assertThat(checks.get("consistency").message())
                .isEqualTo("Data consistency verified: profiles_without_user all 0");
    }

    @Test
    void theRoutesJdbcEndpointIsReadOnlyWithTimeouts() throws Exception {
        seed(false);
        String endpoint = "jdbc:liveDatabase?outputType=SelectOne"; // as routes/check-db.yaml calls it
        assertThat(checkDb.requestBody(endpoint, "SHOW default_transaction_read_only", String.class))
                .isEqualTo("on");
        assertThat(checkDb.requestBody(endpoint, "SHOW lock_timeout", String.class))
                .isEqualTo("3s");
        assertThat(checkDb.requestBody(endpoint, "SHOW statement_timeout", String.class))
                .isEqualTo("1min");
        assertThatThrownBy(() -> checkDb.requestBody(endpoint, "INSERT INTO auth_user VALUES (3)"))
                .hasRootCauseMessage("ERROR: cannot execute INSERT in a read-only transaction");
        try (Connection c = TestPostgres.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM auth_user")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows in auth_user").isEqualTo(2);
        }
    }

    /**
     * Whoever may create functions in the live database's public schema (the application's role,
     * on PostgreSQL before 15 anyone) must not get code run as DB_USER: check-db's own statements
     * call only pg_catalog's functions. A public.to_regclass(varchar) was a better match than
     * pg_catalog.to_regclass(text) for the key table lookup's varchar parameter; as a superuser
     * DB_USER it could run COPY ... TO PROGRAM, which a read-only transaction allows.
     */
    @Test
    void aFunctionInPublicShadowingPgCatalogIsNeverCalled() throws Exception {
        seed(false);
        try (Connection c = TestPostgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION public.to_regclass(varchar) RETURNS regclass LANGUAGE plpgsql AS"
                    + " $$BEGIN RAISE EXCEPTION 'attacker code ran as %', current_user; END$$");
        }
        Map<String, CheckResult> checks = run();
        assertThat(checks.get("key_tables"))
                .isEqualTo(CheckResult.passed("Key tables present: auth_user, core_userprofile," + " audit.event_log"));
    }
}
