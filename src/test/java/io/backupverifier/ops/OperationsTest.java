package io.backupverifier.ops;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.config.ConfigException;
import io.backupverifier.store.StoreWaitForTests;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.JsonSchemas;
import io.backupverifier.testing.Service;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator does with the running service: JMX, health, metrics, the status page. */
class OperationsTest {

    private static final String OPS = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes());

    @TempDir
    Path root;

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    private final HttpClient http = HttpClient.newHttpClient();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Dates backups a minute back, as ones finished a while ago: the watcher takes them at its next poll instead of
     * waiting for them to be stable and settled (WatcherRouteTest's subject, not this one's).
     */
    private static void aged(Path... backups) throws IOException {
        FileTime minuteAgo = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path b : backups) {
            Files.setLastModifiedTime(b, minuteAgo);
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void suspendedWatcherVerifiesNothingUntilResumedOverJmx() throws Exception {
        // the watcher's stable time halved (0.5 s) and the twin's wait with it: the same race, in half the time
        try (Service service =
                new Service(root).env("WATCH_STABLE_FOR", "500ms").start()) {
            ObjectName route =
                    new ObjectName("org.apache.camel:context=backup-verifier,type=routes,name=\"watch-backups\"");
            assertThat(jmx.getAttribute(route, "State")).isEqualTo("Started");
            jmx.invoke(route, "suspend", null, null);
            assertThat(jmx.getAttribute(route, "State")).isEqualTo("Suspended");
            // the control: a second consumer on the backup directory with the watcher's poll interval and filter
            // (read-only
            // too: noop, no marker files) that waits twice the watcher's stable time (0.5 s) and only counts what it
            // takes
            NotifyBuilder twinTookIt = new NotifyBuilder(service.camel())
                    .fromRoute("twin")
                    .whenDone(1)
                    .create();
            service.camel().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("file:" + service.backups.toAbsolutePath()
                                    + "?noop=true&recursive=true&filter=#backupFileFilter"
                                    + "&readLock=changed&readLockMinAge=1000&readLockCheckInterval=250&readLockMarkerFile=false&delay=200")
                            .routeId("twin")
                            .log("twin took ${header.CamelFileName}");
                }
            });
            Path backup = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            // the backup was ready for a running watcher well before the twin took it: the suspended one has not taken
            // it
            assertThat(twinTookIt.matches(20, TimeUnit.SECONDS))
                    .as("the twin consumer took the backup")
                    .isTrue();
            service.camel().getRouteController().stopRoute("twin");
            assertThat(service.camel().getInflightRepository().size("watch-backups"))
                    .isZero();
            assertThat(service.verifications(backup)).isZero();
            jmx.invoke(route, "resume", null, null);
            await(
                    "the resumed watcher to verify the backup",
                    Duration.ofSeconds(20),
                    () -> service.verifications(backup) == 1);
        }
    }

    @Test
    void backupVerifierMBeanVerifiesAndCounts() throws Exception {
        try (Service service =
                new Service(root).env("WATCH_POLL_INTERVAL", "1h").start()) {
            Path good = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            Path bad = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251226_120000.gz");
            Fixtures.truncate(bad, 3000);
            ObjectName name = BackupVerifierApp.OBJECT_NAME;
            String[] sig = {String.class.getName()};
            assertThat(jmx.invoke(name, "verifyFile", new Object[] {good.toString()}, sig))
                    .isEqualTo("backup_20251227_120000.gz: PASSED");
            assertThat((String) jmx.invoke(name, "verifyFile", new Object[] {bad.toString()}, sig))
                    .startsWith("backup_20251226_120000.gz: FAILED (");
            assertThat(jmx.getAttribute(name, "BackupsKnown")).isEqualTo(2);
            assertThat(jmx.getAttribute(name, "Verified")).isEqualTo(1);
            assertThat(jmx.getAttribute(name, "Failed")).isEqualTo(1);
            assertThat(jmx.getAttribute(name, "PassRate")).isEqualTo(50.0);
            assertThat((String) jmx.getAttribute(name, "LastFailure")).startsWith("backup_20251226_120000.gz at ");
            assertThat(jmx.getAttribute(name, "LastSuccessfulRestoreTest")).isEqualTo("never");
        }
    }

    @Test
    void verifyAllOverJmxIsTheDailyRunWithItsRunLogAndCategoryChecks() throws Exception {
        try (Service service = new Service(root)
                .env("WATCH_POLL_INTERVAL", "1h")
                .env("RESTORE_ON_SUSPECT", "false")
                .start()) {
            Fixtures.backup(service.backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz");
            Path bad = Fixtures.backup(service.backups.resolve("daily"), "shop.sql.gz", "backup_20251226_120000.gz");
            Fixtures.truncate(bad, 3000);
            String lines = (String) jmx.invoke(BackupVerifierApp.OBJECT_NAME, "verifyAll", null, null);
            assertThat(lines.split("\n"))
                    .containsExactly(
                            "backup_20251226_120000.gz: FAILED (metadata, checksum, gzip_integrity, extractable, dump_complete)",
                            "backup_20251227_120000.gz: PASSED");
            List<Path> logs;
            try (Stream<Path> files = Files.list(service.own.resolve("logs"))) {
                logs = files.filter(p -> p.getFileName().toString().matches("verification_\\d{8}_\\d{6}\\.log"))
                        .toList();
            }
            assertThat(logs).as("one run, one run log").hasSize(1);
            List<String> log = Files.readAllLines(logs.get(0));
            assertThat(log.get(0)).endsWith("[INFO] Starting backup verification");
            assertThat(log).anyMatch(l -> l.endsWith("[ERROR] History check FAILED: daily (freshness)"));
            assertThat(log.get(log.size() - 1))
                    .endsWith("[ERROR] Verified 2 backups: 1 passed, 0 with warnings, 1 failed");
        }
    }

    @Test
    void healthMetricsApiAndStatusPage() throws Exception {
        int port = freePort();
        try (Service service = new Service(root)
                .env("HTTP_PORT", Integer.toString(port))
                .env("RESTORE_ON_SUSPECT", "false")
                .start()) {
            await("health UP", Duration.ofSeconds(20), () -> {
                try {
                    return get(port, "/observe/health").statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            HttpResponse<String> health = get(port, "/observe/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body())
                    .startsWith("{\"status\":\"UP\"")
                    .contains("\"name\":\"results-store\",\"status\":\"UP\"")
                    .contains("\"name\":\"backup-directory\",\"status\":\"UP\"");

            Path good = Fixtures.backup(service.backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz");
            Path bad = Fixtures.backup(service.backups.resolve("daily"), "shop.sql.gz", "backup_20251226_120000.gz");
            Fixtures.truncate(bad, 3000);
            aged(good, bad);
            await(
                    "both verified",
                    Duration.ofSeconds(20),
                    () -> service.verifications(good) == 1 && service.verifications(bad) == 1);

            await("the alert of the failed backup", Duration.ofSeconds(10), () -> {
                try {
                    return get(port, "/observe/metrics")
                            .body()
                            .contains("backup_verifier_alerts_total{outcome=\"queued\"}");
                } catch (Exception e) {
                    return false;
                }
            });
            String metrics = get(port, "/observe/metrics").body();
            assertThat(metrics)
                    .contains("backup_verifier_verifications_total{category=\"daily\",status=\"PASSED\"} 1.0")
                    .contains("backup_verifier_verifications_total{category=\"daily\",status=\"FAILED\"} 1.0")
                    .contains("backup_verifier_checks_total{check=\"gzip_integrity\",status=\"FAILED\"} 1.0")
                    .contains("backup_verifier_last_success_timestamp_seconds{category=\"daily\"}")
                    .contains("backup_verifier_verification_duration_seconds_count")
                    .contains("backup_verifier_alerts_total{outcome=\"queued\"} 1.0");

            String all = get(port, "/api/backups").body();
            assertThat(JsonSchemas.errors("report.schema.json", all)).isEmpty();
            JsonNode api = new ObjectMapper().readTree(all);
            assertThat(api.at("/summary/total").asInt()).isEqualTo(2);
            assertThat(api.at("/summary/failed").asInt()).isEqualTo(1);
            assertThat(api.get("backups").toString())
                    .contains("backup_20251227_120000.gz")
                    .contains("backup_20251226_120000.gz");
            assertThat(api.has("page")).isFalse();
            // one page: its backups, the totals of all
            String paged = get(port, "/api/backups?limit=1&offset=1").body();
            assertThat(JsonSchemas.errors("report.schema.json", paged)).isEmpty();
            JsonNode onePage = new ObjectMapper().readTree(paged);
            assertThat(onePage.get("backups")).hasSize(1);
            assertThat(onePage.at("/summary/total").asInt()).isEqualTo(2);
            assertThat(onePage.at("/page/total").asInt()).isEqualTo(2);
            assertThat(onePage.at("/page/offset").asInt()).isEqualTo(1);
            HttpResponse<String> badPage = get(port, "/api/backups?limit=lots");
            assertThat(badPage.statusCode()).isEqualTo(400);
            assertThat(JsonSchemas.errors("error.schema.json", badPage.body())).isEmpty();
            assertThat(new ObjectMapper()
                            .readTree(badPage.body())
                            .at("/error/message")
                            .asText())
                    .isEqualTo("limit must be a whole number from 1 to 10000, not 'lots'");

            HttpResponse<String> page = get(port, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body())
                    .contains("Backup verification report")
                    .contains("<svg")
                    .contains("backup_20251226_120000.gz")
                    .contains("Backups 1&#8211;2 of 2, newest first");
            assertThat(get(port, "/?limit=1").body())
                    .contains("Backups 1&#8211;1 of 2")
                    .contains("offset=1\">older</a>");
            assertThat(get(port, "/?offset=x").statusCode()).isEqualTo(400);
        }
    }

    private Path users() throws Exception {
        Path users = root.resolve("users.properties");
        Files.writeString(users, "user.ops = s3cret,monitor\nrole.monitor = *\n");
        return users;
    }

    private HttpResponse<String> jolokia(int port, String auth, String origin, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/jolokia"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Jolokia's own status: the HTTP status, or the "status" of its JSON answer. */
    private static int status(HttpResponse<String> r) throws Exception {
        if (r.statusCode() != 200) {
            return r.statusCode();
        }
        return new ObjectMapper().readTree(r.body()).path("status").asInt();
    }

    @Test
    void jolokiaNeedsAuthenticationAndRunsOnlyThisProductsOperations() throws Exception {
        int port = freePort();
        Path heap = root.resolve("heap.hprof");
        try (Service service = new Service(root)
                .env("HTTP_PORT", Integer.toString(port))
                .env("HTTP_JOLOKIA", "true")
                .env("HTTP_AUTH_FILE", users().toString())
                .env("WATCH_POLL_INTERVAL", "1h")
                // every MBean Camel registers in production, each one Jolokia could reach
                .property(Service.MBEANS_LEVEL, "Default")
                .start()) {
            Path backup = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            String read =
                    "{\"type\":\"read\",\"mbean\":\"io.backupverifier:type=BackupVerifier\",\"attribute\":\"BackupsKnown\"}";

            assertThat(jolokia(port, null, null, read).statusCode())
                    .as("no credentials")
                    .isEqualTo(401);
            assertThat(get(port, "/observe/jolokia/read/io.backupverifier:type=BackupVerifier/BackupsKnown")
                            .statusCode())
                    .isEqualTo(401);
            String wrong = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes());
            assertThat(jolokia(port, wrong, null, read).statusCode())
                    .as("wrong password")
                    .isEqualTo(401);

            HttpResponse<String> ok = jolokia(port, OPS, null, read);
            assertThat(status(ok)).as(ok.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(ok.body()).get("value").asInt())
                    .isEqualTo(1);

            HttpResponse<String> verify = jolokia(
                    port,
                    OPS,
                    null,
                    "{\"type\":\"exec\",\"mbean\":\"io.backupverifier:type=BackupVerifier\","
                            + "\"operation\":\"verifyFile\",\"arguments\":[\"" + backup + "\"]}");
            assertThat(status(verify)).as(verify.body()).isEqualTo(200);
            assertThat(verify.body()).contains("backup_20251227_120000.gz: PASSED");

            // the README's example: Camel's route operations stay available
            HttpResponse<String> suspend = jolokia(
                    port,
                    OPS,
                    null,
                    "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=backup-verifier,"
                            + "type=routes,name=\\\"watch-backups\\\"\",\"operation\":\"suspend()\"}");
            assertThat(status(suspend)).as(suspend.body()).isEqualTo(200);
            ObjectName route =
                    new ObjectName("org.apache.camel:context=backup-verifier,type=routes,name=\"watch-backups\"");
            assertThat(jmx.getAttribute(route, "State")).isEqualTo("Suspended");

            // the JVM's own operations: a heap dump or a vmLog into any file, a GC, JFR
            HttpResponse<String> dump = jolokia(
                    port,
                    OPS,
                    null,
                    "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                            + "\"operation\":\"dumpHeap\",\"arguments\":[\"" + heap + "\",true]}");
            assertThat(status(dump)).as(dump.body()).isEqualTo(403);
            HttpResponse<String> vmLog = jolokia(
                    port,
                    OPS,
                    null,
                    "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\","
                            + "\"operation\":\"vmLog\",\"arguments\":[[\"output=" + backup + "\"]]}");
            assertThat(status(vmLog)).as(vmLog.body()).isEqualTo(403);
            HttpResponse<String> gc = jolokia(
                    port, OPS, null, "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}");
            assertThat(status(gc)).as(gc.body()).isEqualTo(403);
            HttpResponse<String> write = jolokia(
                    port,
                    OPS,
                    null,
                    "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                            + "\"attribute\":\"Verbose\",\"value\":true}");
            assertThat(status(write)).as(write.body()).isEqualTo(403);
            HttpResponse<String> camel = jolokia(
                    port,
                    OPS,
                    null,
                    "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=backup-verifier,"
                            + "type=context,name=\\\"backup-verifier\\\"\",\"operation\":\"sendStringBody(java.lang.String,java.lang.String)\","
                            + "\"arguments\":[\"file:" + service.backups + "?fileName=x.gz\",\"pwned\"]}");
            assertThat(status(camel)).as(camel.body()).isEqualTo(403);

            // a web page of another origin, even with the browser's cached credentials
            HttpResponse<String> foreign = jolokia(port, OPS, "http://evil.example", read);
            // refused by the policy's strict origin check (Camel's handler reports it as a 500)
            assertThat(status(foreign)).as(foreign.body()).isIn(403, 500);
            assertThat(foreign.body()).doesNotContain("\"value\"");
            assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin"))
                    .isNotEqualTo(Optional.of("http://evil.example"));

            assertThat(heap).doesNotExist();
            assertThat(service.backups.resolve("x.gz")).doesNotExist();
            assertThat(Files.readAllBytes(backup)).isEqualTo(Fixtures.bytes("shop.sql.gz"));
        }
    }

    @Test
    void jolokiaWithoutCredentialsConfiguredRefusesToStart() {
        assertThatThrownBy(() -> new Service(root)
                        .env("HTTP_PORT", "8080")
                        .env("HTTP_JOLOKIA", "true")
                        .start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HTTP_JOLOKIA")
                .hasMessageContaining("HTTP_AUTH_FILE");
    }

    @Test
    void backupVerifierMBeanRefusesFilesOutsideTheBackupDirectory() throws Exception {
        try (Service service =
                new Service(root).env("WATCH_POLL_INTERVAL", "1h").start()) {
            Path outside = Files.writeString(root.resolve("secret.gz"), "not yours");
            Files.createDirectories(service.backups);
            Path link = Files.createSymbolicLink(service.backups.resolve("backup_20251227_120000.gz"), outside);
            String[] sig = {String.class.getName()};
            for (String path : new String[] {
                "/etc/shadow",
                outside.toString(),
                link.toString(),
                service.backups.resolve("../secret.gz").toString()
            }) {
                for (String op : new String[] {"verifyFile", "restoreTest"}) {
                    assertThatThrownBy(() -> jmx.invoke(BackupVerifierApp.OBJECT_NAME, op, new Object[] {path}, sig))
                            .as(op + " " + path)
                            .satisfies(e -> assertThat(rootMessage(e)).startsWith("Refused: "));
                }
            }
            assertThat(service.verifications(link)).isZero();
        }
    }

    private static String rootMessage(Throwable e) {
        String m = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Refused: ")) {
                return t.getMessage().substring(t.getMessage().indexOf("Refused: "));
            }
        }
        return String.valueOf(m);
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Test
    void offLoopbackEveryPageNeedsBasicAuthentication() throws Exception {
        int port = freePort();
        Path users = root.resolve("users.properties");
        Files.writeString(users, "user.ops = s3cret,monitor\nrole.monitor = *\n");
        try (Service service = new Service(root)
                .env("HTTP_HOST", "0.0.0.0")
                .env("HTTP_PORT", Integer.toString(port))
                .env("HTTP_AUTH_FILE", users.toString())
                .start()) {
            for (String path : new String[] {"/observe/health", "/observe/metrics", "/", "/api/backups"}) {
                assertThat(get(port, path).statusCode()).as(path).isEqualTo(401);
                HttpResponse<String> ok = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header(
                                        "Authorization",
                                        "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes()))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ok.statusCode()).as(path).isIn(200, 503);
            }
        }
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Test
    void healthIsDownWithTheReasonWhenTheResultsStoreIsUnreachable() throws Exception {
        int port = freePort();
        // the start, the health check and the pool's stop each wait once for the store: 1 s, not 3 s, each
        StoreWaitForTests.shorten(1_000);
        try (Service service = new Service(root)
                .env("HTTP_PORT", Integer.toString(port))
                .env("RESULTS_DB_URL", "jdbc:postgresql://127.0.0.1:1/nothing_listens_here")
                .start()) {
            HttpResponse<String> health = get(port, "/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body())
                    .startsWith("{\"status\":\"DOWN\"")
                    .contains(
                            "\"name\":\"results-store\",\"status\":\"DOWN\",\"message\":\"Results store unreachable: Connection to 127.0.0.1:1 refused");
        } finally {
            StoreWaitForTests.reset();
        }
    }
}
