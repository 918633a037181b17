package io.backupverifier.store;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import io.backupverifier.testing.ServiceProcess;
import io.backupverifier.testing.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results store goes away while the service runs: backups are still verified and alerted
 * (GreenMail), their results reach the store once it is back, and the results-store health
 * check says DOWN meanwhile.
 */
class ResultsStoreOutageTest {

    private static final String SERVER = TestPostgres.url(""); // the local server, or an embedded one

    @TempDir
    Path root;

    GreenMail smtp;
    int port;

    @BeforeEach
    void startSmtp() throws Exception {
        // the outage is waited through at each result, health check and page: 1 s each instead of 3 (the service's
        // behaviour without a connection is the same; a store that answers answers well within it)
        DataSources.waitForTests(1_000);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        DataSources.waitForTests(DataSources.WAIT_MS);
        smtp.stop();
    }

    private Service service() {
        return new Service(root)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("ALERT_EMAIL", "ops@example.com")
                .env("RESTORE_ON_SUSPECT", "false")
                .env("ALERT_RETRY_DELAY", "100ms")
                .env("FRESHNESS_DAILY", "36500d");
    }

    /** A good backup dropped into the watched directory. */
    private static Path dropped(Service service, String name) throws IOException {
        return aged(Fixtures.backup(service.backups, "shop.sql.gz", name));
    }

    private static Path broken(Service service, String name) throws IOException {
        Path p = Fixtures.backup(service.backups, "shop.sql.gz", name);
        Fixtures.truncate(p, 3000);
        return aged(p);
    }

    /**
     * Dated a minute back, as a backup finished a while ago: the watcher takes it at its next poll instead of waiting
     * for it to be stable and settled (three stable times each, WatcherRouteTest's subject, not this one's).
     */
    private static Path aged(Path backup) throws IOException {
        Files.setLastModifiedTime(backup, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return backup;
    }

    private boolean mailed(String subjectPart) {
        return Arrays.stream(smtp.getReceivedMessages()).anyMatch(m -> {
            try {
                return m.getSubject().contains(subjectPart);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static HealthCheck.Result health(Service service) {
        return service.camel()
                .getRegistry()
                .lookupByNameAndType("resultsStoreHealth", HealthCheck.class)
                .call();
    }

    @Test
    void tablesDroppedWhileRunningAreCreatedAgainAndTheNextBackupIsVerifiedAlertedAndRecorded() throws Exception {
        try (Service service = service().start()) {
            String url = "jdbc:sqlite:" + service.own.resolve("logs/state/results.db");
            Path first = dropped(service, "backup_20251226_120000.gz");
            await(
                    "first backup recorded",
                    Duration.ofSeconds(20),
                    () -> ServiceProcess.verdicts(url, "", first).size() == 1);

            // the results database emptied under the running service (dropped and created again)
            try (Connection c = DriverManager.getConnection(url);
                    Statement s = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                assertThat(tables).contains("bv_verification", "CAMEL_MESSAGEPROCESSED");
                for (String t : tables) {
                    s.execute("DROP TABLE \"" + t + "\"");
                }
            }

            Path bad = broken(service, "backup_20251227_120000.gz");
            await(
                    "the failed backup alerted",
                    Duration.ofSeconds(30),
                    () -> mailed("FAILED backup_20251227_120000.gz"));
            await(
                    "its result recorded",
                    Duration.ofSeconds(20),
                    () -> ServiceProcess.verdicts(url, "", bad).equals(List.of("FAILED")));
            assertThat(health(service).getState()).isEqualTo(HealthCheck.State.UP);
        }
    }

    @Test
    void loginRevokedWhileRunningStillVerifiesAndAlertsAndTheResultIsWrittenWhenTheStoreIsBack() throws Exception {
        String role = "bv_outage_" + ProcessHandle.current().pid();
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?connectTimeout=3", "postgres", "");
                Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + role);
            s.execute("DROP ROLE IF EXISTS " + role);
            s.execute("CREATE ROLE " + role + " LOGIN");
            s.execute("CREATE DATABASE " + role + " OWNER " + role);
        }
        String url = SERVER + role;
        int httpPort;
        try (ServerSocket free = new ServerSocket(0)) {
            httpPort = free.getLocalPort();
        }
        try (Service service = service()
                .env("RESULTS_DB_URL", url)
                .env("RESULTS_DB_USER", role)
                .env("HTTP_PORT", Integer.toString(httpPort))
                .start()) {
            Path first = dropped(service, "backup_20251226_120000.gz");
            await(
                    "first backup recorded",
                    Duration.ofSeconds(20),
                    () -> ServiceProcess.verdicts(url, "postgres", first).size() == 1);

            admin("ALTER ROLE " + role + " NOLOGIN");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");

            Path bad = broken(service, "backup_20251227_120000.gz");
            await(
                    "the failed backup alerted without the store",
                    Duration.ofSeconds(30),
                    () -> mailed("FAILED backup_20251227_120000.gz"));
            await("health DOWN", Duration.ofSeconds(10), () -> health(service).getState() == HealthCheck.State.DOWN);
            assertThat(health(service).getMessage())
                    .hasValueSatisfying(m -> assertThat(m).contains(role));
            assertThat(ServiceProcess.verdicts(url, "postgres", bad)).isEmpty();
            // the status page and /api/backups say the store is away (503), not an empty 500
            HttpResponse<String> api = get(httpPort, "/api/backups");
            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.body()).contains("Results store unavailable").contains(role);
            HttpResponse<String> page = get(httpPort, "/");
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.body()).contains("Results store unavailable").contains(role);

            admin("ALTER ROLE " + role + " LOGIN");
            await(
                    "its result written once the store is back",
                    Duration.ofSeconds(20),
                    () -> ServiceProcess.verdicts(url, "postgres", bad).equals(List.of("FAILED")));
            await("health UP", Duration.ofSeconds(10), () -> health(service).getState() == HealthCheck.State.UP);
            assertThat(ServiceProcess.verdicts(url, "postgres", first))
                    .as("verified once, not again during the outage")
                    .hasSize(1);
        } finally {
            admin("DROP DATABASE IF EXISTS " + role + " WITH (FORCE)");
            admin("DROP ROLE IF EXISTS " + role);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
