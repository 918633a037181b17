package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
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
        server = SharedEmbeddedTarget.get();
    }

    @AfterAll
    static void removeSpool() throws Exception {
        OrphanServers.deleteTree(spool);
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
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
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
        for (String t : new String[] {
            "customers",
            "customer_profiles",
            "addresses",
            "categories",
            "products",
            "orders",
            "order_items",
            "payments",
            "shipments",
            "reviews",
            "notes",
            "raw_messages",
            "audit_log"
        }) {
            rows.put(t, ((Number) query("SELECT count(*) FROM public." + t)).longValue());
        }
        assertThat(rows)
                .containsExactly(
                        Map.entry("customers", 5L),
                        Map.entry("customer_profiles", 5L),
                        Map.entry("addresses", 3L),
                        Map.entry("categories", 3L),
                        Map.entry("products", 4L),
                        Map.entry("orders", 3L),
                        Map.entry("order_items", 4L),
                        Map.entry("payments", 2L),
                        Map.entry("shipments", 2L),
                        Map.entry("reviews", 3L),
                        Map.entry("notes", 4L),
                        Map.entry("raw_messages", 3L),
                        Map.entry("audit_log", 3L));
        assertThat(query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
                .isEqualTo(false);
        // indexes, constraints, foreign keys and the trigger came back
        assertThat(((Number) query("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")).intValue())
                .isEqualTo(11);
        assertThat(((Number) query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")).intValue())
                .isGreaterThan(14);
        assertThat(query("SELECT public.shout('hi')")).isEqualTo("HI!;");
    }

    @Test
    void trickyDataRoundTrips() throws Exception {
        assertThat(restore(dump()).error()).isNull();
        assertThat(query("SELECT full_name FROM customers WHERE id = 4")).isEqualTo("Zoë Ünïcødé 数据库 🚀");
        assertThat(query("SELECT full_name FROM customers WHERE id = 5")).isEqualTo("Tab\tSeparated");
        assertThat(query("SELECT bio FROM customer_profiles WHERE customer_id = 1"))
                .isEqualTo("Line one\nLine two\r\nLine three");
        assertThat(query("SELECT bio FROM customer_profiles WHERE customer_id = 2"))
                .isEqualTo("Back\\slash and \\. a lone dot-backslash");
        assertThat(query("SELECT bio FROM customer_profiles WHERE customer_id = 4"))
                .isEqualTo("\\.");
        assertThat(query("SELECT bio IS NULL FROM customer_profiles WHERE customer_id = 3"))
                .isEqualTo(true);
        assertThat(query("SELECT length(bio) FROM customer_profiles WHERE customer_id = 5"))
                .isEqualTo(240000);
        assertThat(query(
                        "SELECT settings->'nested'->'a'->2->>'b' IS NULL FROM customer_profiles WHERE customer_id = 2"))
                .isEqualTo(true);
        assertThat(query("SELECT encode(thumbnail, 'hex') FROM products WHERE sku = 'BK-001'"))
                .isEqualTo("89504e470d0a1a0a00ff");
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
        assertThat(r.error())
                .isEqualTo("Line 2: psql meta-command \\! refused: a restore test never runs shell commands "
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
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int)");
            assertThatThrownBy(() -> s.execute("COPY t TO PROGRAM 'true'"))
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
        String sql =
                "CREATE TABLE t (id int);\nALTER TABLE public.t OWNER TO app_owner;\nGRANT SELECT ON TABLE public.t TO reporting;\n"
                        + "REVOKE ALL ON SCHEMA public FROM PUBLIC;\nALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO reporting;\n";
        RestoreOutcome r = restore(sql);
        assertThat(r.error()).isNull();
        assertThat(r.skipped()).isEqualTo(3); // PUBLIC exists: that REVOKE ran
        assertThat(query("SELECT to_regclass('public.t') IS NOT NULL")).isEqualTo(true);
        assertThat(query("SELECT has_schema_privilege('public', 'public', 'USAGE')"))
                .isEqualTo(false);
    }

    @Test
    void anyOtherErrorFailsWithLineAndPostgresMessage() {
        RestoreOutcome r = restore("CREATE TABLE t (id int);\n\nINSERT INTO missing VALUES (1);\n");
        assertThat(r.error())
                .isEqualTo("Line 3: ERROR: relation \"missing\" does not exist (in: INSERT INTO missing VALUES (1);)");
    }

    @Test
    void foreignKeyViolatedByTheDataFailsNamingTheConstraint() {
        String sql = dump().replace("1\t1\t1\n", "1\t999\t1\n"); // order_items row pointing at product 999
        RestoreOutcome r = restore(sql);
        // PostgreSQL's own error of the validation, named by the dump's statement (validated after a NOT VALID add)
        assertThat(r.error())
                .isEqualTo("Line 914: ERROR: insert or update on table \"order_items\" violates foreign key constraint"
                        + " \"order_items_product_id_fkey\" (in: ALTER TABLE ONLY public.order_items ...)");
    }

    @Test
    void aForeignKeyTheDumpMarksNotEnforcedRestoresAsPsqlRestoresIt() throws Exception {
        // PostgreSQL 18: pg_dump writes such a key with NOT ENFORCED; psql adds it without looking at the rows
        // (it is never validated, an orphan row is allowed). "NOT ENFORCED NOT VALID" is accepted, but a NOT
        // ENFORCED key cannot be validated: the split must leave it alone
        String sql = dump()
                + "CREATE TABLE public.loose (id int, customer_id bigint);\n"
                + "INSERT INTO public.loose VALUES (1, 1), (2, 999);\n"
                + "ALTER TABLE ONLY public.loose\n    ADD CONSTRAINT loose_customer_fkey FOREIGN KEY (customer_id)"
                + " REFERENCES public.customers(id) NOT ENFORCED;\n";
        RestoreOutcome r = restore(sql);
        assertThat(r.error()).isNull();
        assertThat(query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'loose_customer_fkey'"))
                .isEqualTo("FOREIGN KEY (customer_id) REFERENCES customers(id) NOT ENFORCED");
    }

    @Test
    void foreignKeysComeBackAsTheDumpWroteThemValidatedOrNot() throws Exception {
        // every key of the dump validated by PostgreSQL, with the dump's definition; one the dump leaves NOT VALID
        // stays
        // so (over an orphan row); a key on a partitioned table (no NOT VALID there before PostgreSQL 18) is added
        // whole
        String sql = dump()
                + "CREATE TABLE public.parted (id int, customer_id int) PARTITION BY RANGE (id);\n"
                + "CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (100);\n"
                + "INSERT INTO public.parted VALUES (1, 1);\n"
                + "ALTER TABLE public.parted ADD CONSTRAINT parted_customer_fkey FOREIGN KEY (customer_id)"
                + " REFERENCES public.customers(id);\n"
                + "ALTER TABLE ONLY public.notes ADD CONSTRAINT notes_orphan_fkey FOREIGN KEY (id)"
                + " REFERENCES public.categories(id) NOT VALID;\n"; // note 4: no category 4
        RestoreOutcome r = restore(sql);
        assertThat(r.error()).isNull();
        assertThat(query("SELECT string_agg(conname, ', ' ORDER BY conname) FROM pg_constraint"
                        + " WHERE contype = 'f' AND conparentid = 0 AND NOT convalidated"))
                .isEqualTo("notes_orphan_fkey");
        assertThat(((Number) query("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
                                + " AND convalidated AND pg_get_constraintdef(oid) NOT LIKE '%NOT VALID%'"))
                        .intValue())
                .isEqualTo(12);
        assertThat(query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'notes_orphan_fkey'"))
                .isEqualTo("FOREIGN KEY (id) REFERENCES categories(id) NOT VALID");
    }

    @Test
    void dumpCutInsideCopyFails() {
        String full = dump();
        RestoreOutcome r = restore(full.substring(0, full.indexOf("COPY public.orders") + 100));
        assertThat(r.error()).contains("inside the data of a COPY block");
    }

    private RestoreOutcome restore(byte[] dump) {
        return new PlainDumpRestorer(db::connect, 2, spool).restore(new ByteArrayInputStream(dump));
    }

    @Test
    void multiActionRulesAndBeginAtomicBodiesRestoreWhole() throws Exception {
        RestoreOutcome r = restore("CREATE TABLE t (id int);\nCREATE TABLE log (id int);\n"
                + "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (NEW.id); INSERT INTO log VALUES (-NEW.id));\n"
                + "CREATE FUNCTION f_atomic(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + 1;\nEND;\n"
                + "CREATE PROCEDURE p_atomic() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (f_atomic(1)); "
                + "SELECT CASE WHEN true THEN 1 ELSE 2 END; END;\nCALL p_atomic();\n");
        assertThat(r.error()).isNull();
        assertThat(query("SELECT string_agg(id::text, ',' ORDER BY id) FROM log"))
                .isEqualTo("-2,2");
        assertThat(query("SELECT f_atomic(41)")).isEqualTo(42);
    }

    @Test
    void ownerToInsideALiteralIsNotAnOwnershipStatement() throws Exception {
        RestoreOutcome r = restore(
                "CREATE TABLE tickets (action text);\nCREATE VIEW v AS SELECT action FROM tickets;\n"
                        + "ALTER TABLE tickets ADD CONSTRAINT c CHECK (action NOT LIKE '%change owner to %') NOT VALID;\n"
                        + "ALTER VIEW v ALTER COLUMN action SET DEFAULT 'set owner to me';\nALTER TABLE tickets OWNER TO absent_owner;\n");
        assertThat(r.error()).isNull();
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM pg_constraint WHERE conname = 'c'"))
                .isEqualTo(1L);
        assertThat(query("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 'v'::regclass"))
                .isEqualTo("'set owner to me'::text");
    }

    @Test
    void aColumnNamedProgramIsData() throws Exception {
        RestoreOutcome r =
                restore("CREATE TABLE courses (id int, program text);\nCOPY public.courses (id, program) FROM stdin;\n"
                        + "1\tphysics\n\\.\n");
        assertThat(r.error()).isNull();
        assertThat(query("SELECT program FROM courses")).isEqualTo("physics");
    }

    @Test
    void copyProgramBehindACommentIsRefused() throws Exception {
        Path marker = tmp.resolve("pwned-by-commented-copy");
        RestoreOutcome r = restore("CREATE TABLE t (id int);\n/* x */ COPY t FROM PROGRAM 'touch " + marker + "';\n");
        assertThat(r.error()).startsWith("Line 2: COPY ... PROGRAM refused");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aSecondBackslashCommandOnAConnectLineIsRefused() throws Exception {
        Path marker = tmp.resolve("pwned-by-connect");
        RestoreOutcome r = restore("\\connect shop \\! touch " + marker + "\nCREATE TABLE after_it (id int);\n");
        assertThat(r.error()).startsWith("Line 1: psql meta-command line with a second command (\\!) refused");
        assertThat(marker).doesNotExist();
        assertThat(query("SELECT to_regclass('public.after_it') IS NULL")).isEqualTo(true);
    }

    @Test
    void invalidUtf8FailsNamingItsLine() {
        byte[] head = "CREATE TABLE t (name text);\nINSERT INTO t VALUES\n  ('caf".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "');\n".getBytes(StandardCharsets.UTF_8);
        byte[] dump = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, dump, 0, head.length);
        dump[head.length] = (byte) 0xE9; // LATIN1 é in a dump that declares no encoding
        System.arraycopy(tail, 0, dump, head.length + 1, tail.length);
        assertThat(restore(dump).error())
                .isEqualTo("Dump is not valid: line 3 is not valid UTF-8 (byte 0xE9) and the dump "
                        + "declares no other client_encoding");
    }

    @Test
    void aLatin1DumpIsDecodedInItsEncodingStatementsAndCopyData() throws Exception {
        String dump = "SET client_encoding = 'LATIN1';\nCREATE TABLE t (name text DEFAULT 'd\u00e9faut');\n"
                + "COMMENT ON TABLE t IS 'Fa\u00e7ade';\nCOPY public.t (name) FROM stdin;\nZo\u00eb \u00a7 \u00ff\n\\.\n"
                + "INSERT INTO t VALUES ('na\u00efve');\n";
        byte[] latin1 = dump.getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8 = "RESET client_encoding;\nCREATE TABLE u (name text DEFAULT '\u00e9t\u00e9');\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] both = Arrays.copyOf(latin1, latin1.length + utf8.length);
        System.arraycopy(utf8, 0, both, latin1.length, utf8.length);
        RestoreOutcome r = restore(both);
        assertThat(r.error()).isNull();
        assertThat(query("SELECT string_agg(name, '|' ORDER BY name COLLATE \"C\") FROM t"))
                .isEqualTo("Zo\u00eb \u00a7 \u00ff|na\u00efve");
        assertThat(query("SELECT obj_description('t'::regclass, 'pg_class')")).isEqualTo("Fa\u00e7ade");
        assertThat(query("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 't'::regclass"))
                .isEqualTo("'d\u00e9faut'::text");
        assertThat(query("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'u'::regclass"))
                .isEqualTo("'\u00e9t\u00e9'::text"); // back to UTF-8 after RESET
    }

    @Test
    void eachJobRunsWithTheSettingsOfItsPlaceInTheDump() throws Exception {
        StringBuilder dump = new StringBuilder(
                "CREATE SCHEMA a;\nCREATE SCHEMA b;\nCREATE TABLE a.t (x int);\nCREATE TABLE b.t (x int);\n"
                        + "SET search_path = a;\nCOPY t (x) FROM stdin;\n");
        for (int i = 0; i < 200_000; i++) {
            dump.append(i).append('\n');
        }
        dump.append("\\.\nCREATE INDEX in_a ON t (x);\nSET search_path = b;\nCREATE INDEX in_b ON t (x);\n");
        assertThat(restore(dump.toString()).error()).isNull();
        assertThat(query(
                        "SELECT string_agg(indexrelid::regclass::text || ' on ' || indrelid::regclass::text, ', ' ORDER BY 1) "
                                + "FROM pg_index WHERE indrelid IN ('a.t'::regclass, 'b.t'::regclass)"))
                .isEqualTo("a.in_a on a.t, b.in_b on b.t");
    }

    @Test
    void aConnectionIsBroughtToAnEarlierSnapshotBySettingAndResetting() throws Exception {
        SessionSettings early = SessionSettings.NONE.with("work_mem", "SET work_mem = '1MB'");
        SessionSettings late =
                early.with("search_path", "SET search_path = pg_catalog").with("work_mem", "SET work_mem = '2MB'");
        SessionSettings.Applied applied = new SessionSettings.Applied();
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            late.applyTo(c, applied);
            try (ResultSet rs =
                    s.executeQuery("SELECT current_setting('search_path') || ' ' || current_setting('work_mem')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("pg_catalog 2MB");
            }
            early.applyTo(c, applied); // a job submitted before the later SETs runs on this connection next
            try (ResultSet rs =
                    s.executeQuery("SELECT current_setting('search_path') || ' ' || current_setting('work_mem')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("\"$user\", public 1MB");
            }
        }
    }

    @Test
    void aFailingJobNamesItsOwnLine() {
        RestoreOutcome r = restore("CREATE TABLE t (x int);\nCREATE INDEX i ON t (x);\nSET search_path = nowhere;\n"
                + "CREATE INDEX j ON t (x);\n");
        assertThat(r.error()).startsWith("Line 4: ERROR: relation \"t\" does not exist");
    }

    @Test
    void theDumpCannotLiftTheRestoresTimeLimits() throws Exception {
        PlainDumpRestorer.Connector limited = () -> {
            Connection c = db.connect();
            try (Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = '4321ms'");
            }
            return c;
        };
        RestoreOutcome r = new PlainDumpRestorer(limited, 2, spool)
                .restore(new ByteArrayInputStream(("SET statement_timeout = 0;\n"
                                + "SELECT pg_catalog.set_config('statement_timeout', '0', false);\n"
                                + "CREATE TABLE t AS SELECT current_setting('statement_timeout') AS v;\n")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(r.error()).isNull();
        assertThat(query("SELECT v FROM t")).isEqualTo("4321ms");
    }

    @Test
    void privilegesAreKeptForRolesThatExist() throws Exception {
        RestoreOutcome r = restore(
                "CREATE TABLE t (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';\n"
                        + "REVOKE ALL ON FUNCTION public.f() FROM PUBLIC;\nGRANT SELECT ON TABLE public.t TO PUBLIC;\n"
                        + "GRANT SELECT ON TABLE public.t TO absent_reader;\n");
        assertThat(r.error()).isNull();
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(query("SELECT has_function_privilege('public', 'public.f()', 'EXECUTE')"))
                .isEqualTo(false);
        assertThat(query("SELECT has_table_privilege('public', 'public.t', 'SELECT')"))
                .isEqualTo(true);
    }

    @Test
    void superuserOnlyStatementsAreSkippedCountedAndNamed() throws Exception {
        RestoreOutcome r =
                restore("CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;\n"
                        + "CREATE EVENT TRIGGER log_ddl ON ddl_command_start\n  EXECUTE FUNCTION public.log_ddl();\n"
                        + "CREATE FUNCTION c_add(integer) RETURNS integer LANGUAGE c AS '$libdir/x', 'c_add';\n"
                        + "CREATE PUBLICATION everything FOR ALL TABLES;\nCREATE TABLE after_them (id int);\n");
        assertThat(r.error()).isNull();
        assertThat(r.superuserMessage())
                .isEqualTo("3 statements need superuser and were not restored: "
                        + "CREATE EVENT TRIGGER log_ddl ON ddl_command_start ... (line 2), CREATE FUNCTION c_add ... (line 4), "
                        + "CREATE PUBLICATION everything FOR ALL TABLES; (line 5)");
        assertThat(query("SELECT to_regclass('public.after_them') IS NOT NULL")).isEqualTo(true);
        // an insufficient privilege on anything else still fails the restore
        assertThat(restore("CREATE TABLE t2 (id int);\nALTER TABLE pg_catalog.pg_class ADD COLUMN x int;\n")
                        .error())
                .isEqualTo(
                        "Line 2: ERROR: must be owner of table pg_class (in: ALTER TABLE pg_catalog.pg_class ADD COLUMN x int;)");
    }

    @Test
    void baseTypesInternalStateAggregatesAndWhatDependsOnThemAreSuperuserOnly() throws Exception {
        // shapes from PostgreSQL's regression database: psql as a non-superuser fails on each of these too
        RestoreOutcome r = restore("CREATE TYPE public.widget;\n"
                + "CREATE FUNCTION public.widget_in(cstring) RETURNS public.widget LANGUAGE c AS '$libdir/regress', 'widget_in';\n"
                + "CREATE TYPE public.widget (INTERNALLENGTH = 24, INPUT = public.widget_in, OUTPUT = public.widget_out);\n"
                + "CREATE TABLE public.shapes (id integer, w public.widget);\n"
                + "CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;\n"
                + "SET default_table_access_method = heap2;\n"
                + "CREATE TABLE public.plain (id integer);\n"
                + "CREATE AGGREGATE public.pct(double precision ORDER BY anyelement) (SFUNC = ordered_set_transition,"
                + " STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);\n"
                + "COPY public.shapes (id, w) FROM stdin;\n1\t(1,2,3)\n\\.\n"
                + "COPY public.plain (id) FROM stdin;\n7\n\\.\n"
                + "CREATE INDEX shapes_id ON public.shapes USING btree (id);\n"
                + "COMMENT ON TABLE public.shapes IS 'not restored';\n");
        assertThat(r.error()).isNull();
        assertThat(r.superuserMessage())
                .startsWith("10 statements need superuser and were not restored: "
                        + "CREATE TYPE public.widget; (line 1), CREATE FUNCTION public.widget_in ... (line 2), "
                        + "CREATE TYPE public.widget ... (line 3), CREATE TABLE public.shapes ... (line 4), ");
        assertThat(query("SELECT to_regclass('public.shapes') IS NULL")).isEqualTo(true);
        // the table after the refused SET is created with the server's default method, as psql creates it
        assertThat(
                        query(
                                "SELECT a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = 'public.plain'::regclass"))
                .isEqualTo("heap");
        assertThat(query("SELECT sum(id) FROM public.plain")).isEqualTo(7L);
        // the same errors about anything else still fail the restore
        assertThat(restore("SET default_table_access_method = nowhere;\n").error())
                .startsWith("Line 1: ERROR: invalid value for parameter \"default_table_access_method\"");
        assertThat(restore("CREATE TABLE t3 (w public.no_such_type);\n").error())
                .startsWith("Line 1: ERROR: type \"public.no_such_type\" does not exist");
    }

    @Test
    void errorsOfTheLeadingDropSectionAreReportedNotFatal() throws Exception {
        RestoreOutcome r =
                restore("SET lock_timeout = 0;\nALTER TABLE IF EXISTS ONLY public.t DROP CONSTRAINT IF EXISTS t_pkey;\n"
                        + "ALTER DOMAIN public.d DROP CONSTRAINT IF EXISTS d_check;\nDROP TABLE IF EXISTS public.t;\n"
                        + "CREATE TABLE t (id int);\n");
        assertThat(r.error()).isNull();
        assertThat(r.cleanErrorMessage())
                .isEqualTo("1 statement of the dump's leading DROP section failed (as under psql, the "
                        + "restore went on): ALTER DOMAIN public.d DROP CONSTRAINT IF EXISTS d_check; (line 3: ERROR: type \"public.d\" "
                        + "does not exist)");
        assertThat(restore("CREATE TABLE t3 (id int);\nALTER DOMAIN public.d DROP CONSTRAINT IF EXISTS d_check;\n")
                        .error())
                .startsWith("Line 2: ERROR: type \"public.d\" does not exist");
    }

    @Test
    void aStatementLongerThanTheBoundFailsWithoutQuotingIt() {
        String dump = "CREATE TABLE t (v text);\n\nINSERT INTO t VALUES ('" + "secret".repeat(2000);
        RestoreOutcome r = new PlainDumpRestorer(db::connect, 2, spool, 4096)
                .restore(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.error())
                .isEqualTo("Dump is not valid: the statement at line 3 is longer than 4096 bytes "
                        + "(RESTORE_MAX_STATEMENT): not a statement pg_dump writes");
    }

    @Test
    void createDumpsSetAndCommentTheTestDatabase() throws Exception {
        RestoreOutcome r = restore(
                "CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8';\n"
                        + "ALTER DATABASE shop OWNER TO shop_owner;\n\\connect shop\nCOMMENT ON DATABASE shop IS 'the shop';\n"
                        + "CREATE TABLE t (id int);\nALTER DATABASE shop SET work_mem TO '8MB';\nREVOKE CONNECT ON DATABASE shop FROM PUBLIC;\n");
        assertThat(r.error()).isNull();
        assertThat(
                        query(
                                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"))
                .isEqualTo("the shop");
        assertThat(query(
                        "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                                + "WHERE d.datname = current_database()"))
                .isEqualTo("work_mem=8MB");
        assertThat(query("SELECT has_database_privilege('public', current_database(), 'CONNECT')"))
                .isEqualTo(false);
    }
}
