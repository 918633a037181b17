package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.CheckStatus;
import io.backupverifier.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks that run inside the restore's schedule (row counts from COPY, ANALYZE as tables
 * come in, reindex from the restore's own index builds) still catch what they caught when they
 * ran after it. (A too-small table count and an orphan row: {@link RestoreTesterTest}.)
 */
class InLoadChecksTest {

    @RegisterExtension
    static final EmbeddedServerPerClass PG = new EmbeddedServerPerClass("bv-inload-test");

    @TempDir
    Path dir;

    private RestoreTester tester(boolean reindex) {
        RestoreTester.Options o = new RestoreTester.Options("inload", 2, PG.work(), "", 1, List.of(), false, Map.of())
                .withReindex(reindex);
        return Testers.of(o, PG::server, dir);
    }

    private Path plainDump(String name, String sql) {
        String text = "--\n-- PostgreSQL database dump\n--\n" + sql;
        return Fixtures.write(dir.resolve(name), Fixtures.gzip(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The shop fixture with statements added just before its completion trailer. */
    private Path shopWith(String name, String extra) {
        String d = new String(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")), StandardCharsets.UTF_8);
        int at = d.lastIndexOf("--\n-- PostgreSQL database dump complete");
        return Fixtures.write(
                dir.resolve(name),
                Fixtures.gzip((d.substring(0, at) + extra + "\n" + d.substring(at)).getBytes(StandardCharsets.UTF_8)));
    }

    /** count(*) of every table of a kept test database, as the restore role. */
    private static Map<String, Long> countStar(TestDatabase db, Iterable<String> tables) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.count(*) FROM " + t)) {
                    rs.next();
                    counts.put(t, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    @Test
    void rowCountsFromCopyEqualCountStar() throws Exception {
        RestoreResult r = tester(false).test(Fixtures.backup(dir, "shop.sql.gz", "backup_20251227_120000.gz"), true);
        try {
            assertThat(r.status()).isEqualTo(CheckStatus.PASSED);
            assertThat(r.outcome().loaded().copyRows())
                    .as("counts taken from the COPY results")
                    .isNotEmpty();
            assertThat(r.rowCounts()).hasSize(13).containsEntry("public.customers", 5L);
            assertThat(r.rowCounts())
                    .isEqualTo(countStar(r.keptDatabase(), r.rowCounts().keySet()));
        } finally {
            r.release();
        }
    }

    @Test
    void tableLoadedByCopyThenInsertAndByTwoCopiesCountsEveryRow() throws Exception {
        String sql =
                "CREATE TABLE public.a (id int);\nCREATE TABLE public.b (id int);\nCREATE TABLE public.c (id int);\n"
                        + "COPY public.a (id) FROM stdin;\n1\n2\n3\n\\.\n"
                        + "COPY public.b (id) FROM stdin;\n1\n\\.\n"
                        + "COPY public.b (id) FROM stdin;\n2\n3\n\\.\n"
                        + "INSERT INTO public.a VALUES (4), (5);\nINSERT INTO public.c VALUES (1);\n";
        RestoreResult r = tester(false).test(plainDump("copy-insert.sql.gz", sql), true);
        try {
            assertThat(r.checks().get("restore").status())
                    .as(r.checks().get("restore").message())
                    .isEqualTo(CheckStatus.PASSED);
            assertThat(r.rowCounts())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("public.a", 5L, "public.b", 3L, "public.c", 1L));
            assertThat(r.rowCounts())
                    .isEqualTo(countStar(r.keptDatabase(), r.rowCounts().keySet()));
        } finally {
            r.release();
        }
        // without the INSERTs the COPY results are the counts: two blocks into one table summed
        RestoreResult copies = tester(false).test(plainDump("copies.sql.gz", sql.substring(0, sql.indexOf("INSERT"))));
        assertThat(copies.outcome().loaded().copyRows()).isNotNull();
        assertThat(copies.rowCounts())
                .containsEntry("public.a", 3L)
                .containsEntry("public.b", 3L)
                .containsEntry("public.c", 0L);
    }

    @Test
    void indexBrokenAfterItsBuildStillFailsAmcheck() {
        // the index is built from f's rows and verified inside the restore's schedule (the comment after
        // it runs the checks of the tables loaded so far), then f changes: the index no longer matches its
        // heap. (a separate REINDEX would have rebuilt it and hidden that; the restore's own builds report reindex)
        RestoreResult r = tester(false)
                .test(
                        plainDump(
                                "broken-index.sql.gz",
                                "CREATE FUNCTION public.f(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1';\n"
                                        + "CREATE TABLE public.bi (id int);\n"
                                        + "COPY public.bi (id) FROM stdin;\n1\n2\n3\n4\n5\n\\.\n"
                                        + "CREATE INDEX bi_f ON public.bi USING btree (public.f(id));\n"
                                        + "COMMENT ON TABLE public.bi IS 'checked here';\n"
                                        + "CREATE OR REPLACE FUNCTION public.f(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 1000';\n"));
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("reindex").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("amcheck").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("amcheck").message()).startsWith("Index corruption found by amcheck: public.bi_f: ");
    }

    /**
     * An index on the dump's function that does not match its heap (the function reads a setting the
     * index build saw and the checks do not): never trusted to the check during the restore, it fails
     * amcheck after it, naming the index.
     */
    @Test
    void indexBrokenWhenCheckedDuringTheRestoreFailsAmcheck() {
        RestoreResult r = tester(false)
                .test(plainDump(
                        "broken-during.sql.gz",
                        "SET bv.shift = '1000';\n"
                                + "CREATE FUNCTION public.g(int) RETURNS int IMMUTABLE LANGUAGE sql AS"
                                + " $$SELECT $1 + COALESCE(pg_catalog.current_setting('bv.shift', true), '0')::int$$;\n"
                                + "CREATE TABLE public.bd (id int);\n"
                                + "COPY public.bd (id) FROM stdin;\n1\n2\n3\n\\.\n"
                                + "CREATE INDEX bd_g ON public.bd USING btree (public.g(id));\n"
                                + "COMMENT ON TABLE public.bd IS 'checked here';\n"));
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("amcheck").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("amcheck").message()).startsWith("Index corruption found by amcheck: public.bd_g: ");
    }

    /**
     * Only indexes in which nothing of the dump takes part are checked during the restore (a key
     * column of a built-in type): one on an expression, on a column of the dump's own type (a domain),
     * or of an extension's type (even one the dump installed into pg_catalog), is checked after it.
     */
    @Test
    void indexesOnExpressionsOrTheDumpsOwnTypesAreCheckedAfterTheRestore() {
        RestoreResult r = tester(false)
                .test(plainDump(
                        "kinds.sql.gz",
                        "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA pg_catalog;\n"
                                + "CREATE DOMAIN public.code AS text;\n"
                                + "CREATE TABLE public.k (id int PRIMARY KEY, name text, c public.code, e pg_catalog.citext);\n"
                                + "COPY public.k (id, name, c, e) FROM stdin;\n1\tA\tx\tE\n2\tB\ty\te\n\\.\n"
                                + "CREATE INDEX k_lower ON public.k USING btree (pg_catalog.lower(name));\n"
                                + "CREATE INDEX k_c ON public.k USING btree (c);\n"
                                + "CREATE INDEX k_e ON public.k USING btree (e);\n"
                                + "COMMENT ON TABLE public.k IS 'checked here';\n"));
        assertThat(r.checks().get("amcheck").message())
                .isEqualTo("amcheck: 4 btree indexes verified (heapallindexed), 0 out of scope; 1 of them while the"
                        + " restore ran");
    }

    /**
     * A database that will be handed over (--verify-only) gets amcheck only after the restore: a dump
     * that looks for our schema while it restores, to make its own objects depend on it, finds none,
     * and the kept database has nothing of ours.
     */
    @Test
    void aKeptDatabaseGetsAmcheckOnlyAfterTheRestoreSoTheDumpCannotHoldOnToIt() throws Exception {
        RestoreResult r = tester(false)
                .test(
                        plainDump(
                                "hold-on.sql.gz",
                                "CREATE TABLE public.t (id int PRIMARY KEY);\n"
                                        + "COPY public.t (id) FROM stdin;\n1\n2\n\\.\n"
                                        + "COMMENT ON TABLE public.t IS 'checked here';\n"
                                        + "DO $$DECLARE n text; BEGIN SELECT nspname INTO n FROM pg_catalog.pg_namespace"
                                        + " WHERE nspname LIKE 'bv\\_amcheck\\_%'; IF n IS NOT NULL THEN EXECUTE"
                                        + " pg_catalog.format('CREATE FUNCTION public.g() RETURNS void LANGUAGE sql BEGIN ATOMIC"
                                        + " SELECT %I.bt_index_check(''public.t_pkey''::regclass, true); END', n); END IF; END$$;\n"),
                        true);
        try {
            assertThat(r.checks().get("restore").status())
                    .as(r.checks().get("restore").message())
                    .isEqualTo(CheckStatus.PASSED);
            assertThat(r.checks().get("amcheck").message())
                    .isEqualTo("amcheck: 1 btree indexes verified (heapallindexed), 0 out of scope");
            try (Connection c = r.keptDatabase().connectForChecks();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT (SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname"
                                    + " LIKE 'bv\\_amcheck%'), (SELECT count(*) FROM pg_catalog.pg_proc WHERE proname = 'g')")) {
                rs.next();
                assertThat(rs.getInt(1)).as("schemas of ours left").isZero();
                assertThat(rs.getInt(2)).as("the dump's function made on ours").isZero();
            }
        } finally {
            r.release();
        }
    }

    /**
     * Data that comes after the checks began (a COPY into a table whose indexes were verified):
     * nothing verified during the restore counts, every index is verified after it.
     */
    @Test
    void dataAfterTheChecksBeganSendsEveryIndexToTheCheckAfterTheRestore() {
        String sql = "CREATE TABLE public.a (id int PRIMARY KEY);\n"
                + "COPY public.a (id) FROM stdin;\n1\n2\n\\.\n"
                + "COMMENT ON TABLE public.a IS 'checked here';\n";
        RestoreResult once = tester(false).test(plainDump("once.sql.gz", sql));
        assertThat(once.checks().get("amcheck").message())
                .isEqualTo("amcheck: 1 btree indexes verified (heapallindexed), 0 out of scope; 1 of them while the"
                        + " restore ran");
        RestoreResult more =
                tester(false).test(plainDump("more.sql.gz", sql + "COPY public.a (id) FROM stdin;\n3\n\\.\n"));
        assertThat(more.checks().get("restore").status())
                .as(more.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(more.checks().get("amcheck").message())
                .isEqualTo("amcheck: 1 btree indexes verified (heapallindexed), 0 out of scope");
    }

    /**
     * amcheck runs on each loaded table's indexes inside the restore's schedule; a later statement
     * that may change rows or indexes (an UPDATE, a function replaced) sends them back to be
     * verified after the restore, and one that cannot (a comment) does not.
     */
    @Test
    void indexesCheckedDuringTheRestoreAreCheckedAgainAfterAStatementThatMayChangeThem() {
        RestoreResult kept =
                tester(false).test(shopWith("comment.sql.gz", "COMMENT ON TABLE public.customers IS 'x';"));
        assertThat(kept.checks().get("amcheck").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(kept.checks().get("amcheck").message())
                .matches("amcheck: [1-9]\\d* btree indexes verified \\(heapallindexed\\), 0 out of scope;"
                        + " [1-9]\\d* of them while the restore ran");
        for (String changing : List.of(
                "UPDATE public.customers SET full_name = full_name;",
                "CREATE OR REPLACE FUNCTION public.noop() RETURNS int LANGUAGE sql AS 'SELECT 1';")) {
            RestoreResult again = tester(false).test(shopWith("changing.sql.gz", changing));
            assertThat(again.checks().get("restore").status())
                    .as(again.checks().get("restore").message())
                    .isEqualTo(CheckStatus.PASSED);
            assertThat(again.checks().get("amcheck").message())
                    .as(changing)
                    .matches("amcheck: [1-9]\\d* btree indexes verified \\(heapallindexed\\), 0 out of scope");
        }
    }

    /**
     * The dump's own CREATE EXTENSION amcheck after amcheck was installed for the checks during the
     * restore: ours is taken out first, so the dump's statement does what it does without us (the
     * restore role may not create it: counted as needing superuser), never "already exists".
     */
    @Test
    void dumpCreatingAmcheckAfterTheChecksBeganRestoresAsWithoutThem() {
        RestoreResult r =
                tester(false).test(shopWith("own-amcheck.sql.gz", "CREATE EXTENSION amcheck WITH SCHEMA public;"));
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.WARNING);
        assertThat(r.checks().get("restore").message())
                .startsWith("1 statement needs superuser and was not restored: CREATE EXTENSION amcheck");
        assertThat(r.checks().get("amcheck").status()).isEqualTo(CheckStatus.PASSED);
    }

    /**
     * A check inside the restore's schedule (here ANALYZE, held up by the dump's index function)
     * cancelled for RESTORE_STATEMENT_TIMEOUT is not what a later failure of the restore is blamed on.
     */
    @Test
    void aCheckCancelledDuringTheRestoreIsNotBlamedForTheRestoresOwnFailure() {
        RestoreTester.Options o = new RestoreTester.Options("inload", 2, PG.work(), "", 1, List.of(), false, Map.of())
                .withTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(1));
        RestoreResult r = Testers.of(o, PG::server, dir)
                .test(plainDump(
                        "slow-check.sql.gz",
                        "CREATE FUNCTION public.s(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN"
                                + " IF pg_catalog.current_query() OPERATOR(pg_catalog.~) 'ANALYZE' THEN"
                                + " PERFORM pg_catalog.pg_sleep(4); END IF; RETURN $1; END$$;\n"
                                + "CREATE TABLE public.sl (id int);\n"
                                + "COPY public.sl (id) FROM stdin;\n1\n2\n\\.\n"
                                + "CREATE INDEX sl_s ON public.sl USING btree (public.s(id));\n"
                                + "COMMENT ON TABLE public.sl IS 'analyzed here';\n"
                                + "CREATE TABLE public.u (id int REFERENCES public.nosuch (id));\n"));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message())
                .startsWith("Restore failed: Line ")
                .contains("relation \"public.nosuch\" does not exist")
                .doesNotContain("RESTORE_STATEMENT_TIMEOUT");
    }

    @Test
    void analyzeFailingWhileOtherTablesLoadFailsTheAnalyzeCheckNotTheRestore() {
        RestoreResult r = tester(false)
                .test(shopWith(
                        "analyze.sql.gz",
                        "CREATE FUNCTION public.g(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN"
                                + " IF pg_catalog.current_query() OPERATOR(pg_catalog.~) 'ANALYZE' THEN RAISE EXCEPTION 'no statistics here';"
                                + " END IF; RETURN $1; END$$;\n"
                                + "CREATE TABLE public.an (id int);\n"
                                + "COPY public.an (id) FROM stdin;\n1\n2\n\\.\n"
                                + "CREATE INDEX an_g ON public.an USING btree (public.g(id));\n"));
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("analyze").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("analyze").message())
                .startsWith("Database ANALYZE failed: ")
                .contains("no statistics here");
        assertThat(r.checks().get("amcheck").status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void reindexReportsTheRestoresOwnIndexBuildsOrRunsReindexDatabaseWhenAsked() {
        Path backup = Fixtures.backup(dir, "shop.sql.gz", "backup.gz");
        RestoreResult own = tester(false).test(backup);
        assertThat(own.checks().get("reindex").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(own.checks().get("reindex").message())
                .matches("[1-9]\\d* indexes built from the restored data in \\d+\\.\\d s");
        assertThat(own.checks().get("analyze").message()).matches("Database ANALYZE completed \\(\\d+\\.\\d s\\)");
        RestoreResult separate = tester(true).test(backup);
        assertThat(separate.checks().get("reindex").message()).matches("Database REINDEX completed \\(\\d+\\.\\d s\\)");
        assertThat(separate.status()).isEqualTo(CheckStatus.PASSED);
    }

    /**
     * A dump's function that deletes rows, called from a statement that is not DML: the COPY's own
     * count is no longer the table's. Each such statement (setval's argument, CREATE TABLE AS, a
     * column DEFAULT filled by a later COPY, an index expression, a CHECK constraint), or a DELETE
     * under EXPLAIN ANALYZE or in a CREATE TABLE AS's WITH, must make the counts come from count(*),
     * as psql's restore would hold them.
     */
    @Test
    void functionDeletingRowsFromStatementsThatAreNotDmlStillCountsTheRowsLeft() throws Exception {
        String victim =
                "CREATE TABLE public.victim (id int);\n" + "COPY public.victim (id) FROM stdin;\n1\n2\n3\n\\.\n";
        String wipe = victim
                + "CREATE FUNCTION public.wipe() RETURNS bigint LANGUAGE plpgsql AS $$BEGIN DELETE FROM public.victim;"
                + " RETURN 1; END$$;\n"
                + "CREATE FUNCTION public.iwipe(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 0 * public.wipe()::int';\n";
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("setval", "CREATE SEQUENCE public.s;\nSELECT pg_catalog.setval('public.s', public.wipe(), true);\n");
        calls.put("set_config", "SELECT pg_catalog.set_config('application_name', public.wipe()::text, false);\n");
        calls.put("create-table-as", "CREATE TABLE public.x AS SELECT public.wipe() AS w;\n");
        calls.put(
                "default",
                "CREATE TABLE public.d (id int, w bigint DEFAULT public.wipe());\n"
                        + "COPY public.d (id) FROM stdin;\n1\n\\.\n");
        calls.put(
                "index",
                "CREATE TABLE public.i (id int);\nCOPY public.i (id) FROM stdin;\n1\n\\.\n"
                        + "CREATE INDEX i_w ON public.i USING btree (public.iwipe(id));\n");
        calls.put(
                "check",
                "CREATE TABLE public.k (id int);\nCOPY public.k (id) FROM stdin;\n1\n\\.\n"
                        + "ALTER TABLE public.k ADD CONSTRAINT k_w CHECK (public.wipe() > 0);\n");
        calls.replaceAll((name, sql) -> wipe + sql);
        calls.put("explain-analyze", victim + "EXPLAIN ANALYZE DELETE FROM public.victim;\n");
        calls.put(
                "ctas-with-delete",
                victim + "CREATE TABLE public.y AS WITH d AS (DELETE FROM public.victim RETURNING id)"
                        + " SELECT id FROM d;\n");
        for (Map.Entry<String, String> call : calls.entrySet()) {
            RestoreResult r = tester(false).test(plainDump(call.getKey() + ".sql.gz", call.getValue()), true);
            try {
                assertThat(r.checks().get("restore").status())
                        .as(call.getKey() + ": " + r.checks().get("restore").message())
                        .isEqualTo(CheckStatus.PASSED);
                assertThat(countStar(r.keptDatabase(), List.of("public.victim")))
                        .as(call.getKey())
                        .containsEntry("public.victim", 0L);
                assertThat(r.rowCounts()).as(call.getKey()).containsEntry("public.victim", 0L);
            } finally {
                r.release();
            }
        }
    }

    /**
     * A partition loaded by its own COPY and again through its partitioned parent (pg_dump writes
     * one or the other, --load-via-partition-root; a crafted dump both): the partition holds the
     * rows of both, not those of its own COPY.
     */
    @Test
    void partitionLoadedDirectlyAndThroughItsParentCountsEveryRow() throws Exception {
        String sql = "CREATE TABLE public.p (id int) PARTITION BY RANGE (id);\n"
                + "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (0) TO (100);\n"
                + "COPY public.p1 (id) FROM stdin;\n1\n2\n\\.\n"
                + "CREATE TABLE public.other (id int);\n"
                + "COPY public.p (id) FROM stdin;\n3\n4\n5\n\\.\n";
        RestoreResult r = tester(false).test(plainDump("partition-twice.sql.gz", sql), true);
        try {
            assertThat(r.checks().get("restore").status())
                    .as(r.checks().get("restore").message())
                    .isEqualTo(CheckStatus.PASSED);
            assertThat(countStar(r.keptDatabase(), List.of("public.p1"))).containsEntry("public.p1", 5L);
            assertThat(r.rowCounts()).containsEntry("public.p1", 5L);
        } finally {
            r.release();
        }
    }

    /**
     * A session setting is replayed on each worker connection; one whose statement also calls a
     * function (pg_dump writes only literals) must run once, as under psql, not once per connection.
     */
    @Test
    void setConfigCallingAFunctionRunsOnceAsUnderPsql() throws Exception {
        String sql = "CREATE TABLE public.calls (n int);\n"
                + "CREATE FUNCTION public.bump() RETURNS text LANGUAGE plpgsql AS $$BEGIN INSERT INTO public.calls VALUES (1);"
                + " RETURN 'public'; END$$;\n"
                + "SELECT pg_catalog.set_config('search_path', public.bump(), false);\n"
                + "CREATE TABLE public.a (id int);\nCREATE TABLE public.b (id int);\n"
                + "COPY public.a (id) FROM stdin;\n1\n\\.\n"
                + "COPY public.b (id) FROM stdin;\n1\n\\.\n";
        RestoreResult r = tester(false).test(plainDump("set-config-call.sql.gz", sql), true);
        try {
            assertThat(r.checks().get("restore").status())
                    .as(r.checks().get("restore").message())
                    .isEqualTo(CheckStatus.PASSED);
            assertThat(countStar(r.keptDatabase(), List.of("public.calls"))).containsEntry("public.calls", 1L);
        } finally {
            r.release();
        }
    }
}
