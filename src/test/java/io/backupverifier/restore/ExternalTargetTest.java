package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.CheckStatus;
import io.backupverifier.maintenance.Maintained;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.LocalServerLock;
import io.backupverifier.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * External mode against a PostgreSQL server ({@link TestPostgres}: the local one, else an embedded
 * one; user postgres): create, restore, check, drop; and maintenance of old test databases.
 */
class ExternalTargetTest {

    /** Cleanup of the local server drops what any gone process left: one such class at a time. */
    @RegisterExtension
    static final LocalServerLock ORPHANS = new LocalServerLock("orphan cleanup");

    private final ExternalTarget server =
            new ExternalTarget(TestPostgres.HOST, TestPostgres.port(), TestPostgres.USER, "");

    @TempDir
    Path dir;

    private List<String> databases(String like) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = server.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT datname FROM pg_database WHERE datname LIKE '" + like + "' ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void restoresIntoItsOwnDatabaseAndDropsIt() throws Exception {
        RestoreTester.Options o =
                new RestoreTester.Options("bvext", 2, dir, "", 10, List.of("customers"), true, Map.of());
        RestoreResult r = Testers.of(o, () -> server, dir).test(Fixtures.backup(dir, "shop.sql.gz", "backup.gz"));
        assertThat(r.target())
                .startsWith("PostgreSQL server 127.0.0.1:" + TestPostgres.port() + ", database bvext_test_");
        assertThat(r.checks().get("restore").status())
                .as(r.checks().get("restore").message())
                .isEqualTo(CheckStatus.PASSED);
        assertThat(r.checks().get("key_tables").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(r.rowCounts()).containsEntry("public.orders", 3L);
        assertThat(databases("bvext_test_%")).as("test databases left behind").isEmpty();
        try (Connection c = server.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bv_restore_bvext%'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("restore roles left behind").isZero();
        }
    }

    @Test
    void verifyOnlyKeepsTheDatabaseUntilRetentionAndOrphanCleanupLeavesIt() throws Exception {
        RestoreTester.Options o = new RestoreTester.Options("bvkeep", 2, dir, "", 10, List.of(), false, Map.of());
        RestoreResult r = Testers.of(o, () -> server, dir).test(Fixtures.backup(dir, "shop.sql.gz", "backup.gz"), true);
        TestDatabase db = r.keptDatabase();
        try {
            assertThat(db).isNotNull();
            r.release(); // what restore-test --verify-only does after printing "Test database kept"
            assertThat(databases(db.database()))
                    .as("kept database after release")
                    .containsExactly(db.database());
            try (Connection c = db.connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM public.customers")) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("the user can connect with the printed role and password")
                        .isEqualTo(5);
            }
            assertThat(new TestDatabaseCleanup(server, dir, 7, Clock.systemDefaultZone()).removeOrphans())
                    .as("kept on purpose: not an orphan")
                    .isEmpty();
            Clock later = Clock.offset(Clock.systemDefaultZone(), Duration.ofDays(8));
            assertThat(new TestDatabaseCleanup(server, dir, 7, later)
                            .run().stream().map(Maintained::message))
                    .contains("Dropped test database " + db.database() + " (older than 7 days)");
            assertThat(databases(db.database())).isEmpty();
        } finally {
            try (Connection c = server.admin();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db.database() + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + db.role());
            }
        }
    }

    @Test
    void cleanupDropsOnlyOldTestDatabases() throws Exception {
        try (Connection c = server.admin();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS bvclean_test_20200101_000000");
            s.execute("DROP DATABASE IF EXISTS bvclean_test_20991231_000000");
            s.execute("DROP DATABASE IF EXISTS bvclean_keep");
            s.execute("CREATE DATABASE bvclean_test_20200101_000000");
            s.execute("CREATE DATABASE bvclean_test_20991231_000000");
            s.execute("CREATE DATABASE bvclean_keep");
        }
        try {
            Clock now = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            List<String> done = new TestDatabaseCleanup(server, dir, 7, now)
                    .run().stream().map(Maintained::message).toList();
            assertThat(done).contains("Dropped test database bvclean_test_20200101_000000 (older than 7 days)");
            assertThat(databases("bvclean%")).containsExactly("bvclean_keep", "bvclean_test_20991231_000000");
        } finally {
            try (Connection c = server.admin();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS bvclean_test_20991231_000000");
                s.execute("DROP DATABASE IF EXISTS bvclean_keep");
            }
        }
    }
}
