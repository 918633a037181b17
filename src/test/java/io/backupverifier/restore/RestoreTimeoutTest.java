package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupverifier.checks.CheckStatus;
import io.backupverifier.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESTORE_STATEMENT_TIMEOUT and RESTORE_TIMEOUT: a dump that sleeps or loops forever is stopped
 * within seconds, FAILED naming its line; nothing is left on the server.
 *
 * <p>Each scenario waits seconds for its timeout, idle: they all start at once when the class starts, each in a test
 * database and directory of its own, and each test awaits its own and judges it (the seconds overlap instead of
 * adding up).
 */
class RestoreTimeoutTest {

    @RegisterExtension
    static final EmbeddedServerPerClass PG = new EmbeddedServerPerClass("bv-timeout-test");

    @TempDir
    static Path dir;

    private static final String SLEEP = "SELECT pg_catalog.pg_sleep(3600);";
    private static final String LOOP = "DO $$BEGIN LOOP END LOOP; END$$;";
    // a cancel is an exception PL/pgSQL may catch: the loop then ran until RESTORE_TIMEOUT
    private static final String CATCHING_LOOP =
            "DO $$BEGIN LOOP BEGIN PERFORM pg_catalog.pg_sleep(3600); EXCEPTION WHEN query_canceled THEN NULL; END;"
                    + " END LOOP; END$$;";
    // restored fine; REINDEX runs the index's function, which loops and catches its cancel
    private static final String REINDEX_LOOP = "CREATE FUNCTION public.f(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS"
            + " $$BEGIN IF pg_catalog.current_query() OPERATOR(pg_catalog.~) 'REINDEX' THEN LOOP BEGIN PERFORM pg_catalog.pg_sleep(3600);"
            + " EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END IF; RETURN $1; END$$;"
            + " CREATE TABLE public.rl (id int); INSERT INTO public.rl VALUES (1); CREATE INDEX rl_f ON public.rl (public.f(id));";

    /** The scenarios by name (their test database's name too), started by {@link #scenariosStarted()}. */
    private static final Map<String, Future<Run>> RUNS = new HashMap<>();

    private static long cancelGrace;
    private static ExecutorService pool;

    /** A scenario's backup, its restore test's result, and how long that took. */
    private record Run(Path backup, RestoreResult result, Duration took) {}

    @BeforeAll
    static void scenariosStarted() throws Exception {
        assertThat(PG.server().home().resolve(EmbeddedServer.DATA).resolve("PG_VERSION"))
                .exists();
        // a statement that catches its cancel is terminated after the grace: half a second here rather than the
        // product's 3 s, which the two tests of that path would otherwise wait out (what they prove is the same)
        cancelGrace = RestoreWatchdog.cancelGraceNanos;
        RestoreWatchdog.cancelGraceNanos = TimeUnit.MILLISECONDS.toNanos(500);
        pool = Executors.newCachedThreadPool();
        Duration minutes = Duration.ofMinutes(5);
        Duration seconds = Duration.ofSeconds(2);
        start("slow_sleep", shopDumpWith("slow_sleep", "sleep.sql.gz", SLEEP), minutes, seconds, false);
        start("slow_loop", shopDumpWith("slow_loop", "loop.sql.gz", LOOP), minutes, seconds, false);
        start("slow_catch", shopDumpWith("slow_catch", "catch.sql.gz", CATCHING_LOOP), minutes, seconds, false);
        start("slow_reindex", shopDumpWith("slow_reindex", "reindex.sql.gz", REINDEX_LOOP), minutes, seconds, true);
        start(
                "slow_whole",
                shopDumpWith("slow_whole", "long.sql.gz", SLEEP),
                Duration.ofSeconds(3),
                Duration.ofHours(1),
                false);
        if (CustomArchiveRestorer.find("").isPresent()) {
            start(
                    "slow_index",
                    Fixtures.backup(scenarioDir("slow_index"), "hostile/slow-index.dump", "slow.dump"),
                    minutes,
                    seconds,
                    false);
        }
        start(
                "slow_sqlite",
                recursiveSqlite(scenarioDir("slow_sqlite").resolve("recursive.sqlite")),
                minutes,
                Duration.ofSeconds(1),
                false);
    }

    @AfterAll
    static void scenariosEnded() throws Exception {
        pool.shutdown(); // a scenario whose test did not await it (skipped, or failed first) still ends
        assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        RestoreWatchdog.cancelGraceNanos = cancelGrace;
    }

    /**
     * @param name the scenario's name: its test database's and its restore role's names begin with it
     * @param reindex RESTORE_REINDEX: a separate REINDEX DATABASE after the restore
     */
    private static void start(String name, Path backup, Duration whole, Duration statement, boolean reindex) {
        RestoreTester.Options o = new RestoreTester.Options(
                        name, 2, PG.work(), "", 1, List.of(), false, Map.of("orders", "SELECT count(*) FROM orders"))
                .withTimeouts(whole, statement)
                .withReindex(reindex);
        RUNS.put(name, pool.submit(() -> {
            long t = System.nanoTime();
            RestoreResult r = Testers.of(o, PG::server, backup.getParent()).test(backup);
            return new Run(backup, r, Duration.ofNanos(System.nanoTime() - t));
        }));
    }

    private static Run awaited(String name) throws Exception {
        Future<Run> run = RUNS.get(name);
        assertThat(run).as("scenario " + name + " started").isNotNull();
        return run.get(5, TimeUnit.MINUTES);
    }

    private static Path scenarioDir(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    private static Path shopDumpWith(String scenario, String name, String extra) throws IOException {
        String d = new String(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")), StandardCharsets.UTF_8);
        int at = d.lastIndexOf("--\n-- PostgreSQL database dump complete");
        return Fixtures.write(
                scenarioDir(scenario).resolve(name),
                Fixtures.gzip((d.substring(0, at) + extra + "\n" + d.substring(at)).getBytes(StandardCharsets.UTF_8)));
    }

    private static Path recursiveSqlite(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");
            // the operator's consistency query counts "orders": here an endless recursive view
            s.execute(
                    "CREATE VIEW orders AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n");
        }
        return db;
    }

    private static int lineOf(Path gz, String text) throws IOException {
        List<String> lines = new String(Fixtures.gunzip(Files.readAllBytes(gz)), StandardCharsets.UTF_8)
                .lines()
                .toList();
        return lines.indexOf(text) + 1;
    }

    /** Nothing of the scenario's test database is left: no backend, no database, no role. */
    private static void nothingLeft(String name) throws Exception {
        try (Connection c = PG.server().admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname LIKE '" + like(name)
                                + "\\_test\\_%'),"
                                + " (SELECT count(*) FROM pg_catalog.pg_database WHERE datname LIKE '" + like(name)
                                + "\\_test\\_%'),"
                                + " (SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname LIKE 'bv\\_restore\\_"
                                + like(name) + "\\_test\\_%')")) {
            rs.next();
            assertThat(rs.getInt(1)).as("backends left").isZero();
            assertThat(rs.getInt(2)).as("test databases left").isZero();
            assertThat(rs.getInt(3)).as("restore roles left").isZero();
        }
    }

    private static String like(String name) {
        return name.replace("_", "\\_");
    }

    @Test
    void sleepingStatementFailsWithinSecondsNamingItsLine() throws Exception {
        Run run = awaited("slow_sleep");
        RestoreResult r = run.result();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(60));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .startsWith(
                        "Restore failed: a statement ran longer than RESTORE_STATEMENT_TIMEOUT (2s) and was cancelled: Line "
                                + lineOf(run.backup(), SLEEP) + ":")
                .contains("pg_sleep(3600)");
        nothingLeft("slow_sleep");
    }

    @Test
    void endlessLoopFailsWithinSecondsNamingItsLine() throws Exception {
        Run run = awaited("slow_loop");
        RestoreResult r = run.result();
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .contains("RESTORE_STATEMENT_TIMEOUT (2s)")
                .contains("Line " + lineOf(run.backup(), LOOP) + ":");
        nothingLeft("slow_loop");
    }

    @Test
    void loopThatCatchesTheCancelIsTerminatedWithinTheStatementTimeout() throws Exception {
        Run run = awaited("slow_catch");
        RestoreResult r = run.result();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(60));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .contains("RESTORE_STATEMENT_TIMEOUT (2s)")
                .contains("Line " + lineOf(run.backup(), CATCHING_LOOP) + ":");
        nothingLeft("slow_catch");
    }

    @Test
    void indexFunctionLoopingDuringReindexFailsReindexNamingTheTimeout() throws Exception {
        Run run = awaited("slow_reindex");
        RestoreResult r = run.result();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(60));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("reindex").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("reindex").message())
                .startsWith("reindex ran longer than RESTORE_STATEMENT_TIMEOUT (2s) and was cancelled");
        nothingLeft("slow_reindex");
    }

    @Test
    void wholeTestOutOfTimeIsAnErrorAndLeavesNothing() throws Exception {
        RestoreResult r = awaited("slow_whole").result();
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
        assertThat(r.checks().get("restore").message())
                .startsWith("Restore did not finish within RESTORE_TIMEOUT (3s)");
        nothingLeft("slow_whole");
    }

    @Test
    void pgRestoreBuildingAnEndlessIndexFails() throws Exception {
        assumeTrue(
                CustomArchiveRestorer.find("").isPresent(), "pg_restore is not installed: skipping the custom archive");
        RestoreResult r = awaited("slow_index").result();
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .contains("RESTORE_STATEMENT_TIMEOUT (2s)")
                .contains("t_slow");
        nothingLeft("slow_index");
    }

    @Test
    void sqliteRecursiveViewIsStoppedByTheStatementTimeout() throws Exception {
        Run run = awaited("slow_sqlite");
        RestoreResult r = run.result();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(30));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("consistency").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("consistency").message())
                .startsWith(
                        "Consistency checks failed: a query ran longer than RESTORE_STATEMENT_TIMEOUT (1s) and was stopped");
    }
}
