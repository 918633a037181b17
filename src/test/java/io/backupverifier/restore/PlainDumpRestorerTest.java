package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real restores of real pg_dump output into the embedded PostgreSQL, as a role without superuser. */
class PlainDumpRestorerTest {

    static EmbeddedTarget server;
    static Path spool;
    TestDatabase db;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        spool = Files.createTempDirectory("bv-spool");
        server = new EmbeddedTarget(spool);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void createDatabase() throws Exception {
        db = server.create("shop_test_" + System.nanoTime());
    }

    @AfterEach
    void dropDatabase() {
        server.drop(db);
    }

    private RestoreOutcome restore(String sql) {
        return new PlainDumpRestorer(db::connect, 2, spool)
                .restore(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
    }

    private static String dump() {
        return new String(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")), StandardCharsets.UTF_8);
    }

    private Object query(String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    @Test
    void goodDumpRestoresEveryRowAsANonSuperuser() throws Exception {
        RestoreOutcome r = restore(dump());
        assertThat(r.error()).isNull();
        assertThat(r.copyBlocks()).isEqualTo(13);
        assertThat(r.skipped()).isGreaterThan(0); // OWNER TO postgres: skipped, as --no-owner does
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String t : new String[] {"customers", "customer_profiles", "addresses", "categories", "products", "orders",
                "order_items", "payments", "shipments", "reviews", "notes", "raw_messages", "audit_log"}) {
            rows.put(t, ((Number) query("SELECT count(*) FROM public." + t)).longValue());
        }
        assertThat(rows).containsExactly(Map.entry("customers", 5L), Map.entry("customer_profiles", 5L),
                Map.entry("addresses", 3L), Map.entry("categories", 3L), Map.entry("products", 4L), Map.entry("orders", 3L),
                Map.entry("order_items", 4L), Map.entry("payments", 2L), Map.entry("shipments", 2L), Map.entry("reviews", 3L),
                Map.entry("notes", 4L), Map.entry("raw_messages", 3L), Map.entry("audit_log", 3L));
        assertThat(query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo(false);
        // indexes, constraints, foreign keys and the trigger came back
        assertThat(((Number) query("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")).intValue()).isEqualTo(11);
        assertThat(((Number) query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")).intValue()).isGreaterThan(14);
        assertThat(query("SELECT public.shout('hi')")).isEqualTo("HI!;");
    }

    @Test
    void trickyDataRoundTrips() throws Exception {
        assertThat(restore(dump()).error()).isNull();
        assertThat(query("SELECT full_name FROM customers WHERE id = 4")).isEqualTo("Zoë Ünïcødé 数据库 🚀");
        assertThat(query("SELECT full_name FROM customers WHERE id = 5")).isEqualTo("Tab\tSeparated");
        assertThat(query("SELECT bio FROM customer_profiles WHERE customer_id = 1")).isEqualTo("Line one\nLine two\r\nLine three");
        assertThat(query("SELECT bio FROM customer_profiles WHERE customer_id = 2")).isEqualTo("Back\\slash and \\. a lone dot-backslash");
        assertThat(query("SELECT bio FROM customer_profiles WHERE customer_id = 4")).isEqualTo("\\.");
        assertThat(query("SELECT bio IS NULL FROM customer_profiles WHERE customer_id = 3")).isEqualTo(true);
        assertThat(query("SELECT length(bio) FROM customer_profiles WHERE customer_id = 5")).isEqualTo(240000);
        assertThat(query("SELECT settings->'nested'->'a'->2->>'b' IS NULL FROM customer_profiles WHERE customer_id = 2")).isEqualTo(true);
        assertThat(query("SELECT encode(thumbnail, 'hex') FROM products WHERE sku = 'BK-001'")).isEqualTo("89504e470d0a1a0a00ff");
        assertThat(query("SELECT array_to_string(tags, '|', '<null>') FROM products WHERE sku = 'BK-001'"))
                .isEqualTo("classic|multi word|<null>");
        assertThat(query("SELECT tags[1] FROM products WHERE sku = 'TEA-01'")).isEqualTo("quote\"d");
        assertThat(query("SELECT body FROM notes WHERE id = 1")).isEqualTo("-- PostgreSQL database dump complete");
        assertThat(query("SELECT body FROM notes WHERE id = 2")).isEqualTo("\\.");
        assertThat(query("SELECT body FROM reviews WHERE id = 3")).isEqualTo("$$ dollar $$ quotes $tag$ in data");
    }

    @Test
    void shellMetaCommandIsRefusedAndNothingRuns() throws Exception {
        Path marker = tmp.resolve("pwned");
        String sql = "CREATE TABLE before_it (id int);\n\\! touch " + marker + "\nCREATE TABLE after_it (id int);\n";
        RestoreOutcome r = restore(sql);
        assertThat(r.error()).isEqualTo("Line 2: psql meta-command \\! refused: a restore test never runs shell commands "
                + "from a dump (nothing of it was executed)");
        assertThat(marker).doesNotExist();
        assertThat(query("SELECT to_regclass('public.after_it') IS NULL")).isEqualTo(true);
    }

    @Test
    void copyToProgramIsRefused() throws Exception {
        Path marker = tmp.resolve("pwned-by-copy");
        RestoreOutcome r = restore("CREATE TABLE t (id int);\nCOPY t TO PROGRAM 'touch " + marker + "';\n");
        assertThat(r.error()).startsWith("Line 2: COPY ... PROGRAM refused");
        assertThat(marker).doesNotExist();
    }

    @Test
    void theServerRefusesProgramsToTheRestoreRoleToo() throws Exception {
        // what the refusal above guards twice: the role cannot run programs even if asked directly
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.execute("COPY t TO PROGRAM 'true'"))
                    .hasMessageContaining("pg_execute_server_program");
        }
    }

    @Test
    void otherMetaCommandsAreRefusedEvenMidLine() {
        assertThat(restore("SELECT 1; \\o /tmp/x\n").error()).startsWith("Line 1: psql meta-command \\o refused");
        assertThat(restore("SELECT 'x' \\gexec\n").error()).startsWith("Line 1: psql meta-command \\gexec refused");
        assertThat(restore("SELECT '\\! not a command';\n").error()).isNull(); // inside a string it is data
    }

    @Test
    void ownersAndGrantsForAbsentRolesAreSkipped() throws Exception {
        String sql = "CREATE TABLE t (id int);\nALTER TABLE public.t OWNER TO app_owner;\nGRANT SELECT ON TABLE public.t TO reporting;\n"
                + "REVOKE ALL ON SCHEMA public FROM PUBLIC;\nALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO reporting;\n";
        RestoreOutcome r = restore(sql);
        assertThat(r.error()).isNull();
        assertThat(r.skipped()).isEqualTo(3); // PUBLIC exists: that REVOKE ran
        assertThat(query("SELECT to_regclass('public.t') IS NOT NULL")).isEqualTo(true);
        assertThat(query("SELECT has_schema_privilege('public', 'public', 'USAGE')")).isEqualTo(false);
    }

    @Test
    void anyOtherErrorFailsWithLineAndPostgresMessage() {
        RestoreOutcome r = restore("CREATE TABLE t (id int);\n\nINSERT INTO missing VALUES (1);\n");
        assertThat(r.error()).isEqualTo("Line 3: ERROR: relation \"missing\" does not exist (in: INSERT INTO missing VALUES (1);)");
    }

    @Test
    void foreignKeyViolatedByTheDataFailsNamingTheConstraint() {
        String sql = dump().replace("1\t1\t1\n", "1\t999\t1\n"); // order_items row pointing at product 999
        RestoreOutcome r = restore(sql);
        assertThat(r.error()).contains("order_items_product_id_fkey");
    }

    @Test
    void dumpCutInsideCopyFails() {
        String full = dump();
        RestoreOutcome r = restore(full.substring(0, full.indexOf("COPY public.orders") + 100));
        assertThat(r.error()).contains("inside the data of a COPY block");
    }
}
