package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupverifier.checks.CheckStatus;
import io.backupverifier.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Restore tests end to end: real pg_dump fixtures into the embedded PostgreSQL, then every restore check. */
class RestoreTesterTest {

    @RegisterExtension
    static final EmbeddedServerPerClass PG = new EmbeddedServerPerClass("bv-restore-test");

    @TempDir
    Path dir;

    private RestoreTester tester(int minTables, List<String> keyTables, Map<String, String> consistency) {
        RestoreTester.Options o =
                new RestoreTester.Options("shop", 2, PG.work(), "", minTables, keyTables, true, consistency);
        return Testers.of(o, PG::server, dir);
    }

    private RestoreTester tester() {
        return tester(
                10,
                List.of("customers", "orders"),
                Map.of(
                        "orders_without_items",
                        "SELECT count(*) FROM public.orders o WHERE NOT EXISTS (SELECT 1 FROM public.order_items i WHERE i.order_id = o.id)"));
    }

    private Path plainDump(String name, String sql) {
        // a hostile dump passes for pg_dump output: it has the header (3 lines)
        String text =
                sql.startsWith("--\n-- PostgreSQL database dump") ? sql : "--\n-- PostgreSQL database dump\n--\n" + sql;
        return Fixtures.write(dir.resolve(name), Fixtures.gzip(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String dump() {
        return new String(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")), StandardCharsets.UTF_8);
    }

    /** The dump with statements added just before its completion trailer. */
    private static String dumpWith(String extra) {
        String d = dump();
        int at = d.lastIndexOf("--\n-- PostgreSQL database dump complete");
        return d.substring(0, at) + extra + "\n" + d.substring(at);
    }

    @Test
    void goodDumpPassesEveryRestoreCheckWithExactRowCounts() {
        Path backup = Fixtures.backup(dir, "shop.sql.gz", "backup_20251227_120000.gz");
        RestoreResult r = tester().test(backup);
        assertThat(r.contentSha256()).as("the content it restored").isEqualTo(Fixtures.sha256(backup));
        assertThat(r.checks().keySet()).containsExactlyElementsOf(RestoreTester.CHECK_IDS);
        r.checks()
                .forEach((id, c) ->
                        assertThat(c.status()).as(id + ": " + c.message()).isEqualTo(CheckStatus.PASSED));
        assertThat(r.checks().get("amcheck").message())
                .matches("amcheck: [1-9]\\d* btree indexes verified \\(heapallindexed\\), 0 out of scope;"
                        + " [1-9]\\d* of them while the restore ran");
        assertThat(r.checks().get("referential_integrity").message())
                .isEqualTo("Referential integrity verified: 11 foreign keys hold (11 validated by PostgreSQL)");
        assertThat(r.rowCounts())
                .containsEntry("public.customers", 5L)
                .containsEntry("public.order_items", 4L)
                .containsEntry("public.raw_messages", 3L)
                .hasSize(13);
        assertThat(r.status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void ownersAndGrantsForRolesAbsentOnTheTestServerPass() {
        String sql = dumpWith(
                "ALTER TABLE public.orders OWNER TO app_owner;\nGRANT SELECT ON TABLE public.orders TO reporting;\n"
                        + "ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA public GRANT SELECT ON TABLES TO reporting;\n");
        RestoreResult r = tester().test(plainDump("grants.sql.gz", sql));
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("restore").message()).contains("owner/privilege statements skipped");
        assertThat(r.status()).isEqualTo(CheckStatus.PASSED);
    }

    @Test
    void notValidForeignKeyOverOrphanRowsFailsReferentialIntegrity() {
        // orders.customer_id 4 has no address 4: PostgreSQL accepts it NOT VALID, the check counts it
        String sql =
                dumpWith("ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_address_fkey FOREIGN KEY (customer_id)"
                        + " REFERENCES public.addresses(id) NOT VALID;\n");
        RestoreResult r = tester().test(plainDump("notvalid.sql.gz", sql));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("referential_integrity").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("referential_integrity").message())
                .isEqualTo("Foreign keys violated: orders_address_fkey "
                        + "(public.orders -> public.addresses): 1 orphan row, constraint NOT VALID");
    }

    @Test
    void rowSecurityHidingTheOrphanFromTheRestoreRoleStillFailsReferentialIntegrity() {
        // the dump forces a policy on its own table that hides customer 4's order from its owner, the restore role
        String sql =
                dumpWith("ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_address_fkey FOREIGN KEY (customer_id)"
                        + " REFERENCES public.addresses(id) NOT VALID;\n"
                        + "ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;\nALTER TABLE public.orders FORCE ROW LEVEL SECURITY;\n"
                        + "CREATE POLICY hide ON public.orders USING (customer_id OPERATOR(pg_catalog.<>) 4);\n");
        RestoreResult r = tester().test(plainDump("rls.sql.gz", sql));
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("referential_integrity").status())
                .as(r.checks().get("referential_integrity").message())
                .isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("referential_integrity").message()).contains("row-level security");
    }

    @Test
    void dataViolatingAForeignKeyFailsTheRestoreNamingIt() {
        RestoreResult r = tester().test(plainDump("fk.sql.gz", dump().replace("1\t1\t1\n", "1\t999\t1\n")));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("restore").message()).contains("order_items_product_id_fkey");
        assertThat(r.checks().get("table_count").status()).isEqualTo(CheckStatus.SKIPPED);
    }

    @Test
    void tooFewTablesMissingKeyTablesAndFailingConsistencyAreNamed() {
        RestoreResult r = tester(
                        20,
                        List.of("customers", "auth_user"),
                        Map.of(
                                "customers_without_orders",
                                "SELECT count(*) FROM public.customers c WHERE NOT EXISTS (SELECT 1 FROM public.orders o WHERE o.customer_id = c.id)"))
                .test(Fixtures.backup(dir, "shop.sql.gz", "backup.gz"));
        assertThat(r.checks().get("table_count").message()).isEqualTo("Only 13 tables restored, expected at least 20");
        assertThat(r.checks().get("key_tables").message()).isEqualTo("Key tables missing: auth_user");
        assertThat(r.checks().get("consistency").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(r.checks().get("consistency").message())
                .isEqualTo("Consistency checks failed: customers_without_orders: 2");
        assertThat(r.failedChecks()).containsExactly("table_count", "key_tables", "consistency");
    }

    @Test
    void shellCommandsAndProgramsInADumpFailAndRunNothing() {
        Path marker = dir.resolve("marker");
        RestoreResult shell =
                tester().test(plainDump("shell.sql.gz", "CREATE TABLE t (id int);\n\\! touch " + marker + "\n"));
        assertThat(shell.checks().get("restore").message()).contains("Line 5: psql meta-command \\! refused");
        RestoreResult program = tester().test(plainDump(
                "program.sql.gz", "CREATE TABLE t (id int);\nCOPY t FROM PROGRAM 'touch " + marker + "';\n"));
        assertThat(program.checks().get("restore").message()).contains("Line 5: COPY ... PROGRAM refused");
        assertThat(marker).doesNotExist();
        assertThat(shell.status()).isEqualTo(CheckStatus.FAILED);
    }

    @Test
    void customArchiveRestoresWithPgRestore() {
        assumeTrue(
                CustomArchiveRestorer.find("").isPresent(),
                "pg_restore is not installed: skipping the custom-archive restore");
        Path backup = Fixtures.backup(dir, "shop.dump", "backup.dump");
        RestoreResult r = tester().test(backup);
        assertThat(r.checks().get("restore").message()).contains("(pg_restore)");
        assertThat(r.contentSha256())
                .as("pg_restore read a copy of exactly this")
                .isEqualTo(Fixtures.sha256(backup));
        r.checks()
                .forEach((id, c) ->
                        assertThat(c.status()).as(id + ": " + c.message()).isEqualTo(CheckStatus.PASSED));
        assertThat(r.rowCounts()).containsEntry("public.customers", 5L);
    }

    @Test
    void customArchiveWithoutPgRestoreIsSkippedSayingWhatToInstall() {
        RestoreTester.Options o = new RestoreTester.Options(
                "shop", 2, PG.work(), dir.resolve("no-bin").toString(), 10, List.of(), false, Map.of());
        RestoreResult r = Testers.of(o, PG::server, dir).test(Fixtures.backup(dir, "shop.dump", "backup.dump"));
        assertThat(r.checks().get("restore").status()).isEqualTo(CheckStatus.SKIPPED);
        assertThat(r.checks().get("restore").message()).contains("install the PostgreSQL client tools");
    }

    @Test
    void sqliteGoodForeignKeyViolationAndCorruptPage() throws Exception {
        RestoreResult good =
                tester(2, List.of("customers"), Map.of()).test(Fixtures.backup(dir, "shop.sqlite.gz", "app.sqlite.gz"));
        good.checks()
                .forEach((id, c) -> assertThat(c.status())
                        .as(id + ": " + c.message())
                        .isIn(CheckStatus.PASSED, CheckStatus.SKIPPED));
        assertThat(good.checks().get("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(good.rowCounts()).containsEntry("orders", 3L);

        Path fk = Fixtures.write(dir.resolve("fk.sqlite"), Fixtures.bytes("shop.sqlite"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fk);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders (customer_id, total) VALUES (42, 1)"); // foreign keys are off by default in
            // SQLite
        }
        byte[] before = Files.readAllBytes(fk);
        RestoreResult orphan = tester(2, List.of(), Map.of()).test(fk);
        assertThat(orphan.checks().get("referential_integrity").message())
                .isEqualTo("Foreign keys violated: orders -> customers: 1 orphan row");
        assertThat(Files.readAllBytes(fk))
                .as("the backup itself is never opened for writing")
                .isEqualTo(before);

        byte[] db = Fixtures.bytes("shop.sqlite");
        for (int i = 4096 * 2 + 100; i < 4096 * 3; i++) {
            db[i] = (byte) 0xA5; // scribble over the third page
        }
        RestoreResult corrupt = tester(2, List.of(), Map.of()).test(Fixtures.write(dir.resolve("corrupt.sqlite"), db));
        assertThat(corrupt.checks().get("restore").status()).isEqualTo(CheckStatus.FAILED);
        assertThat(corrupt.status()).isEqualTo(CheckStatus.FAILED);
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Test
    void testDatabaseAndRoleAreGoneAfterwardsUnlessKept() throws Exception {
        RestoreResult kept = tester().test(Fixtures.backup(dir, "shop.sql.gz", "backup.gz"), true);
        TestDatabase db = kept.keptDatabase();
        assertThat(db.database()).matches("shop_test_\\d{8}_\\d{6}");
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM public.customers")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(5);
        }
        kept.release();
        try (Connection c = db.connectAdmin()) {
            fail("the test database should be gone");
        } catch (SQLException expected) {
            assertThat(expected.getMessage()).contains("does not exist");
        }
    }
}
