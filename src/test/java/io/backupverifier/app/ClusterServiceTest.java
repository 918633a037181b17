package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two service processes (own JVMs, own state directories) on one backup directory and one
 * PostgreSQL results store act as one service: each backup is verified once, and a backup
 * whose node is killed during its verification is verified by the other node.
 * Needs a PostgreSQL server: the local one (127.0.0.1:5432, user postgres, trust), else an embedded one ({@link TestPostgres}).
 */
class ClusterServiceTest {

    private static final String SERVER = TestPostgres.url(""); // the local server, or an embedded one
    /** The orphan-lock timeout of the test: a dead node's backup is taken over after this. */
    private static final Duration LOCK_MAX_AGE = Duration.ofSeconds(6);
    /** The test timer: the freshness check every 2 s (Quartz cron), on both nodes' configuration. */
    private static final String TICK_CRON = "0/2 * * * * ?";

    private static final Duration TICK = Duration.ofSeconds(2);

    private static final String TICK_LINE = "Freshness check for the tick of ";
    /**
     * The size of the backup whose node is killed: read and hashed whole for a second or more after its lock is
     * taken, a window the test's checks every 50 ms do not miss; each size more is paid by both nodes.
     */
    private static final long BIG = 100L * 1024 * 1024;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path root;

    private String database;
    private final List<ServiceProcess> nodes = new ArrayList<>();
    private final Map<ServiceProcess, Integer> ports = new HashMap<>();

    @BeforeEach
    void createDatabase() throws SQLException {
        database = "bv_cluster_test_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        ServiceProcess.closeAll(nodes);
        if (database != null) {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private Path backups() {
        return root.resolve("backups");
    }

    /** A node: its own state and logs, the shared backup directory and results store, HTTP on a port of its own. */
    private ServiceProcess node(String name) throws Exception {
        return node(name, LOCK_MAX_AGE);
    }

    /**
     * @param lockMaxAge the orphan-lock timeout: short where a kill is tested; otherwise long enough that a node
     *                   starved of CPU on a busy machine (its lock refreshed late) is not taken for dead
     */
    private ServiceProcess node(String name, Duration lockMaxAge) throws Exception {
        Files.createDirectories(backups());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ServiceProcess node = new ServiceProcess(root.resolve(name))
                .env("BACKUP_DIR", backups().toString())
                .env("RESULTS_DB_URL", SERVER + database)
                .env("RESULTS_DB_USER", "postgres")
                .env("CLUSTER_ENABLED", "true")
                .env("WATCH_LOCK_MAX_AGE", lockMaxAge.toSeconds() + "s")
                .env("FRESHNESS_CRON", TICK_CRON)
                .env("HTTP_PORT", Integer.toString(port))
                .start();
        nodes.add(node);
        ports.put(node, port);
        return node;
    }

    private String get(ServiceProcess node, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(node) + path))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** The ticks of the test timer each node ran, as the nodes logged them (tick time, how many runs). */
    private static Map<String, Integer> ticks(ServiceProcess... nodes) throws IOException {
        Map<String, Integer> ticks = new TreeMap<>();
        for (ServiceProcess node : nodes) {
            for (String line : node.logLines(TICK_LINE)) {
                ticks.merge(
                        line.substring(line.indexOf(TICK_LINE) + TICK_LINE.length())
                                .strip(),
                        1,
                        Integer::sum);
            }
        }
        return ticks;
    }

    /** Waits for each node's start; a node that ended instead fails the test at once, with the end of its log. */
    private static void awaitStarted(ServiceProcess... nodes) throws Exception {
        for (ServiceProcess node : nodes) {
            node.awaitStarted();
        }
    }

    /** The recorded verdicts per backup path, from the shared results store. */
    private Map<String, List<String>> verdicts() {
        Map<String, List<String>> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT file_path, status FROM bv_verification ORDER BY verified_at")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        } catch (SQLException e) {
            return Map.of(); // the tables are not made yet: the caller polls again
        }
        return out;
    }

    private static String key(Path backup) {
        return backup.toAbsolutePath().normalize().toString();
    }

    private static long watcherLines(ServiceProcess node) {
        try {
            return node.logLines("Verified ").size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void twoNodesVerifyEachBackupOnceBetweenThem() throws Exception {
        ServiceProcess a = node("a", Duration.ofSeconds(60));
        ServiceProcess b = node("b", Duration.ofSeconds(60));
        awaitStarted(a, b);

        List<Path> dropped = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            dropped.add(Fixtures.backup(
                    backups(), "shop.sql.gz", String.format("backup_202512%02d_12%02d00.gz", 1 + i % 28, i)));
        }
        await(
                "all 50 backups verified",
                Duration.ofSeconds(600),
                () -> verdicts().keySet().size() == dropped.size());
        // one more, dropped after the others were done: once it is verified, both nodes have polled
        // the directory again since, and would have taken any of the first ones a second time
        Path last = Fixtures.backup(backups(), "shop.sql.gz", "backup_20251229_120000.gz");
        await(
                "the last backup verified",
                Duration.ofSeconds(60),
                () -> verdicts().containsKey(key(last)));

        Map<String, List<String>> verdicts = verdicts();
        dropped.add(last);
        for (Path backup : dropped) {
            assertThat(verdicts.get(key(backup)))
                    .as("verdicts of " + backup.getFileName())
                    .hasSize(1);
        }
        assertThat(verdicts).hasSize(dropped.size());
        // the work was shared: each node verified some, and together each backup once (lines follow the verdicts)
        await(
                "the watcher lines of every verdict",
                Duration.ofSeconds(30),
                () -> watcherLines(a) + watcherLines(b) >= dropped.size());
        assertThat(watcherLines(a)).as("backups verified by node a").isPositive();
        assertThat(watcherLines(b)).as("backups verified by node b").isPositive();
        assertThat(watcherLines(a) + watcherLines(b))
                .as("watcher lines of both nodes")
                .isEqualTo(dropped.size());

        // the timers: one clustered Quartz scheduler in the shared store, both nodes checked in, each trigger once
        assertThat(query("SELECT COUNT(*) FROM qrtz_scheduler_state"))
                .as("Quartz nodes checked in")
                .isEqualTo(2);
        assertThat(query("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = 'daily-verify'"))
                .as("daily-verify triggers")
                .isEqualTo(1);
        assertThat(query("SELECT COUNT(*) FROM (SELECT trigger_name FROM qrtz_triggers GROUP BY trigger_name"
                        + " HAVING COUNT(*) > 1) t"))
                .as("triggers held twice")
                .isZero();

        // the test timer (every 2 s on both nodes): each tick ran once between them, none skipped, over seven ticks at
        // least
        await("seven ticks of the test timer", Duration.ofSeconds(120), () -> {
            try {
                return ticks(a, b).size() >= 7;
            } catch (IOException e) {
                return false;
            }
        });
        Map<String, Integer> ticks = ticks(a, b);
        assertThat(ticks)
                .as("runs per tick, both nodes together")
                .allSatisfy((tick, runs) -> assertThat(runs).as(tick).isEqualTo(1));
        List<LocalDateTime> times = ticks.keySet().stream()
                .map(t -> LocalDateTime.parse(t.replace(' ', 'T')))
                .toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i)))
                    .as("tick after " + times.get(i - 1))
                    .isEqualTo(TICK);
        }

        // visible: each node's health and status page show both nodes; its metrics carry its name
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT instance_name FROM qrtz_scheduler_state")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertThat(names)
                .allMatch(n -> n.matches(".+-[0-9]+$"))
                .anyMatch(n -> n.endsWith("-" + a.pid()))
                .anyMatch(n -> n.endsWith("-" + b.pid()));
        for (ServiceProcess node : List.of(a, b)) {
            String health = get(node, "/observe/health");
            assertThat(health)
                    .contains("\"cluster\"")
                    .contains("2 nodes: ")
                    .contains("this node")
                    .contains(names.get(0))
                    .contains(names.get(1));
            String page = get(node, "/");
            assertThat(page)
                    .contains("<h2>Cluster</h2>")
                    .contains(names.get(0))
                    .contains(names.get(1))
                    .contains("alive");
            String self = names.stream()
                    .filter(n -> n.endsWith("-" + node.pid()))
                    .findFirst()
                    .orElseThrow();
            assertThat(get(node, "/observe/metrics"))
                    .contains("backup_verifier_verifications_total{")
                    .contains("node=\"" + self + "\"");
        }
    }

    /**
     * The node that holds the backup's watcher lock (its lock row, and the row naming its node, which it writes once
     * the file is stable and before it verifies it); null while no node holds it.
     */
    private ServiceProcess lockHolder(Path backup, ServiceProcess... nodes) {
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
                PreparedStatement q = c.prepareStatement("SELECT h.node FROM camel_messageprocessed m"
                        + " JOIN bv_watch_lock_holder h ON h.lock_key = m.messageId"
                        + " WHERE m.processorName = 'watch-backups-lock' AND h.file_path = ?")) {
            q.setString(1, key(backup));
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    String holder = rs.getString(1);
                    for (ServiceProcess node : nodes) {
                        if (holder.endsWith("-" + node.pid())) {
                            return node;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            return null; // the tables are not made yet: the caller polls again
        }
        return null;
    }

    private long query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void backupOfAKilledNodeIsVerifiedByTheOtherWithinTheLockTimeout() throws Exception {
        ServiceProcess a = node("a");
        ServiceProcess b = node("b");
        awaitStarted(a, b);

        Path big = LargeBackupServiceTest.corruptBackup(backups().resolve("backup_20251227_120000.gz"), BIG);
        // the node verifying it: the one the lock row names, killed as soon as it took the lock (an event, not a
        // guess from which process has the file open: on a busy machine that guess took longer than the verification)
        ServiceProcess[] holder = new ServiceProcess[1];
        await("a node verifying the backup", Duration.ofSeconds(60), () -> (holder[0] = lockHolder(big, a, b)) != null);
        ServiceProcess killed = holder[0];
        ServiceProcess survivor = killed == a ? b : a;
        killed.kill();
        long killedAt = System.nanoTime();
        assertThat(verdicts()).as("recorded before the kill").doesNotContainKey(key(big));

        await(
                "the backup verified by the other node",
                Duration.ofSeconds(120),
                () -> verdicts().containsKey(key(big)));
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(verdicts().get(key(big))).containsExactly("FAILED");
        // the watcher logs its line after the verdict is recorded
        await("the other node's watcher line", Duration.ofSeconds(30), () -> watcherLines(survivor) > 0);
        assertThat(survivor.logLines("Verified " + big)).hasSize(1).allMatch(l -> l.endsWith(": FAILED"));
        // taken over once the dead node's lock was older than the timeout (refreshed every third of it while the node
        // lived), not at once, and not much later
        assertThat(took)
                .as("time from the kill to the other node's verdict")
                .isGreaterThanOrEqualTo(LOCK_MAX_AGE.multipliedBy(2).dividedBy(3))
                .isLessThan(LOCK_MAX_AGE.plusSeconds(60));
    }
}
