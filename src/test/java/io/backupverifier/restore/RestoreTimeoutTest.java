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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESTORE_STATEMENT_TIMEOUT and RESTORE_TIMEOUT: a dump that sleeps or loops forever is stopped
 * within seconds, FAILED naming its line; nothing is left on the server.
 */
class RestoreTimeoutTest {

    @RegisterExtension
    static final EmbeddedServerPerClass PG = new EmbeddedServerPerClass("bv-timeout-test");

    @TempDir
    Path dir;

    private static long cancelGrace;

    @BeforeAll
    static void serverStarted() {
        assertThat(PG.server().home().resolve(EmbeddedServer.DATA).resolve("PG_VERSION"))
                .exists();
        // a statement that catches its cancel is terminated after the grace: half a second here rather than the
        // product's 3 s, which the two tests of that path would otherwise wait out (what they prove is the same)
        cancelGrace = RestoreWatchdog.cancelGraceNanos;
        RestoreWatchdog.cancelGraceNanos = TimeUnit.MILLISECONDS.toNanos(500);
    }

    @AfterAll
    static void graceRestored() {
        RestoreWatchdog.cancelGraceNanos = cancelGrace;
    }

    private RestoreResult restoreTest(Path backup, Duration whole, Duration statement) {
        return restoreTest(backup, whole, statement, false);
    }

    /** @param reindex RESTORE_REINDEX: a separate REINDEX DATABASE after the restore */
    private RestoreResult restoreTest(Path backup, Duration whole, Duration statement, boolean reindex) {
        RestoreTester.Options o = new RestoreTester.Options(
                        "slow", 2, PG.work(), "", 1, List.of(), false, Map.of("orders", "SELECT count(*) FROM orders"))
                .withTimeouts(whole, statement)
                .withReindex(reindex);
        return Testers.of(o, PG::server, dir).test(backup);
    }

    private Path shopDumpWith(String name, String extra) {
        String d = new String(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")), StandardCharsets.UTF_8);
        int at = d.lastIndexOf("--\n-- PostgreSQL database dump complete");
        return Fixtures.write(
                dir.resolve(name),
                Fixtures.gzip((d.substring(0, at) + extra + "\n" + d.substring(at)).getBytes(StandardCharsets.UTF_8)));
    }

    private static int lineOf(Path gz, String text) throws IOException {
        List<String> lines = new String(Fixtures.gunzip(Files.readAllBytes(gz)), StandardCharsets.UTF_8)
                .lines()
                .toList();
        return lines.indexOf(text) + 1;
    }

    /** Nothing of the test database is left: no backend, no database, no role. */
    private static void nothingLeft() throws Exception {
        try (Connection c = PG.server().admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname LIKE 'slow\\_test\\_%'),"
                                + " (SELECT count(*) FROM pg_catalog.pg_database WHERE datname LIKE 'slow\\_test\\_%'),"
                                + " (SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname LIKE 'bv\\_restore\\_slow%')")) {
            rs.next();
            assertThat(rs.getInt(1)).as("backends left").isZero();
            assertThat(rs.getInt(2)).as("test databases left").isZero();
            assertThat(rs.getInt(3)).as("restore roles left").isZero();
        }
    }

    @Test
    void sleepingStatementFailsWithinSecondsNamingItsLine() throws Exception {
        Path backup = shopDumpWith("sleep.sql.gz", "SELECT pg_catalog.pg_sleep(3600);");
        long t = System.nanoTime();
        RestoreResult r = restoreTest(backup, Duration.ofMinutes(5), Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(60));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .startsWith(
                        "Restore failed: a statement ran longer than RESTORE_STATEMENT_TIMEOUT (2s) and was cancelled: Line "
                                + lineOf(backup, "SELECT pg_catalog.pg_sleep(3600);") + ":")
                .contains("pg_sleep(3600)");
        nothingLeft();
    }

    @Test
    void endlessLoopFailsWithinSecondsNamingItsLine() throws Exception {
        Path backup = shopDumpWith("loop.sql.gz", "DO $$BEGIN LOOP END LOOP; END$$;");
        RestoreResult r = restoreTest(backup, Duration.ofMinutes(5), Duration.ofSeconds(2));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .contains("RESTORE_STATEMENT_TIMEOUT (2s)")
                .contains("Line " + lineOf(backup, "DO $$BEGIN LOOP END LOOP; END$$;") + ":");
        nothingLeft();
    }

    @Test
    void loopThatCatchesTheCancelIsTerminatedWithinTheStatementTimeout() throws Exception {
        // a cancel is an exception PL/pgSQL may catch: the loop then ran until RESTORE_TIMEOUT
        String loop =
                "DO $$BEGIN LOOP BEGIN PERFORM pg_catalog.pg_sleep(3600); EXCEPTION WHEN query_canceled THEN NULL; END;"
                        + " END LOOP; END$$;";
        Path backup = shopDumpWith("catch.sql.gz", loop);
        long t = System.nanoTime();
        RestoreResult r = restoreTest(backup, Duration.ofMinutes(5), Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(60));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .contains("RESTORE_STATEMENT_TIMEOUT (2s)")
                .contains("Line " + lineOf(backup, loop) + ":");
        nothingLeft();
    }

    @Test
    void indexFunctionLoopingDuringReindexFailsReindexNamingTheTimeout() throws Exception {
        // restored fine; REINDEX runs the index's function, which loops and catches its cancel
        Path backup = shopDumpWith(
                "reindex.sql.gz",
                "CREATE FUNCTION public.f(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS"
                        + " $$BEGIN IF pg_catalog.current_query() OPERATOR(pg_catalog.~) 'REINDEX' THEN LOOP BEGIN PERFORM pg_catalog.pg_sleep(3600);"
                        + " EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END IF; RETURN $1; END$$;"
                        + " CREATE TABLE public.rl (id int); INSERT INTO public.rl VALUES (1); CREATE INDEX rl_f ON public.rl (public.f(id));");
        long t = System.nanoTime();
        RestoreResult r = restoreTest(backup, Duration.ofMinutes(5), Duration.ofSeconds(2), true);
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(60));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("reindex").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("reindex").message())
                .startsWith("reindex ran longer than RESTORE_STATEMENT_TIMEOUT (2s) and was cancelled");
        nothingLeft();
    }

    @Test
    void wholeTestOutOfTimeIsAnErrorAndLeavesNothing() throws Exception {
        Path backup = shopDumpWith("long.sql.gz", "SELECT pg_catalog.pg_sleep(3600);");
        RestoreResult r = restoreTest(backup, Duration.ofSeconds(3), Duration.ofHours(1));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.ERROR);
        assertThat(r.checks().get("restore").message())
                .startsWith("Restore did not finish within RESTORE_TIMEOUT (3s)");
        nothingLeft();
    }

    @Test
    void pgRestoreBuildingAnEndlessIndexFails() throws Exception {
        assumeTrue(
                CustomArchiveRestorer.find("").isPresent(), "pg_restore is not installed: skipping the custom archive");
        RestoreResult r = restoreTest(
                Fixtures.backup(dir, "hostile/slow-index.dump", "slow.dump"),
                Duration.ofMinutes(5),
                Duration.ofSeconds(2));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .contains("RESTORE_STATEMENT_TIMEOUT (2s)")
                .contains("t_slow");
        nothingLeft();
    }

    @Test
    void sqliteRecursiveViewIsStoppedByTheStatementTimeout() throws Exception {
        Path db = dir.resolve("recursive.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");
            // the operator's consistency query counts "orders": here an endless recursive view
            s.execute(
                    "CREATE VIEW orders AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n");
        }
        long t = System.nanoTime();
        RestoreResult r = restoreTest(db, Duration.ofMinutes(5), Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(30));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("consistency").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("consistency").message())
                .startsWith(
                        "Consistency checks failed: a query ran longer than RESTORE_STATEMENT_TIMEOUT (1s) and was stopped");
    }
}
