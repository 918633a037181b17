package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.store.DataSources;
import io.backupverifier.store.ResultsQueries;
import io.backupverifier.store.ResultsStore;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's rows come from the results store for all backups at once (a fixed number of
 * queries, not a few per backup): over a mixed store they must be the rows the report showed
 * when it asked per backup, on SQLite and on PostgreSQL (the local server at 127.0.0.1:5432;
 * skipped, saying so, when none answers). Per backup: the latest verification's status and
 * time, its FAILED checks by id (not its ERROR or PASSED ones), the last restore test that did
 * not FAIL, or NOT VERIFIED; backups only in the store are not in the report.
 */
class ReportRowsTest {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private static final long T = Instant.parse("2026-11-20T12:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void batchedRowsOnSqlite() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        mixedStoreGivesTheRowsOfEachBackup(url, "");
    }

    @Test
    void batchedRowsOnPostgres() throws Exception {
        String db = "bv_store_report_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(PG + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
            s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            assumeTrue(
                    false,
                    "no PostgreSQL server at 127.0.0.1:5432 (" + e.getMessage()
                            + "): skipping the PostgreSQL report rows test");
        }
        try {
            mixedStoreGivesTheRowsOfEachBackup(PG + db, "postgres");
        } finally {
            try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    @Test
    void anEmptyStoreLeavesEveryBackupNotVerified() throws Exception {
        Path backups = dir.resolve("backups");
        Path a = backup(backups, "daily", "a.sql.gz", "2026-11-20T10:00:00Z");
        // a store whose file is not there yet: no results, and nothing created
        ReportRows reportRows = new ReportRows(
                new BackupCatalog(backups, List.of("*.sql.gz"), List.of()),
                ResultsQueries.of("jdbc:sqlite:" + dir.resolve("none.db"), "", ""));
        assertThat(reportRows.rows(reportRows.backups()))
                .containsExactly(new ReportRow(
                        a,
                        "daily",
                        size(a),
                        Instant.parse("2026-11-20T10:00:00Z"),
                        ReportRow.NOT_VERIFIED,
                        null,
                        List.of(),
                        null));
        assertThat(dir.resolve("none.db")).doesNotExist();
    }

    @Test
    void theRowsAreKeptUntilTheResultsOrTheBackupsChange() throws Exception {
        Path backups = dir.resolve("backups");
        Path a = backup(backups, "daily", "a.sql.gz", "2026-11-20T10:00:00Z");
        Path b = backup(backups, "daily", "b.sql.gz", "2026-11-19T10:00:00Z");
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        DataSource data = DataSources.of(url, "", "");
        new ResultsStore(data, Clock.systemUTC()).init();
        BackupCatalog catalog = new BackupCatalog(backups, List.of("*.sql.gz"), List.of());
        ReportRows reportRows = new ReportRows(catalog, new ResultsQueries(data));

        ReportTable first = reportRows.current();
        assertThat(statuses(first)).containsExactly("a.sql.gz NOT VERIFIED", "b.sql.gz NOT VERIFIED");
        assertThat(reportRows.current()).as("nothing changed: the same rows").isSameAs(first);

        // a result written by another process or node on the same store: shown at the next request
        try (Connection c = DriverManager.getConnection(url)) {
            verification(c, "v1", a, "FAILED", T, "gzip_integrity FAILED");
        }
        ReportTable second = reportRows.current();
        assertThat(statuses(second)).containsExactly("a.sql.gz FAILED", "b.sql.gz NOT VERIFIED");
        assertThat(second.failed()).isEqualTo(1);

        // the directory is not walked per request: a change is seen once the watcher says so
        Files.delete(b);
        Path c = backup(backups, "weekly", "c.sql.gz", "2026-11-18T10:00:00Z");
        assertThat(reportRows.current()).isSameAs(second);
        catalog.changed();
        assertThat(statuses(reportRows.current())).containsExactly("a.sql.gz FAILED", "c.sql.gz NOT VERIFIED");
        assertThat(reportRows.current().backupsIn("weekly")).isEqualTo(1);
        assertThat(c).exists();
    }

    private static List<String> statuses(ReportTable table) {
        return table.rows().stream()
                .map(r -> r.file().getFileName() + " " + r.status())
                .toList();
    }

    private void mixedStoreGivesTheRowsOfEachBackup(String url, String user) throws Exception {
        Path backups = dir.resolve("backups");
        Path failed = backup(backups, "daily", "failed.sql.gz", "2026-11-20T10:00:00Z");
        Path restored = backup(backups, "daily", "restored.sql.gz", "2026-11-19T10:00:00Z");
        Path never = backup(backups, "weekly", "never.sql.gz", "2026-11-16T10:00:00Z");
        Path error = backup(backups, "weekly", "error.sql.gz", "2026-11-09T10:00:00Z");
        Path warned = backup(backups, "daily", "warned.sql.gz", "2026-11-18T10:00:00Z");

        DataSource data = DataSources.of(url, user, "");
        new ResultsStore(data, Clock.systemUTC()).init();
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            // passed first, FAILED last: the latest counts, with its FAILED checks in id order, ERROR ones apart
            verification(c, "v1", failed, "PASSED", T, "gzip_integrity PASSED");
            verification(
                    c,
                    "v2",
                    failed,
                    "FAILED",
                    T + HOUR,
                    "size PASSED",
                    "gzip_integrity FAILED",
                    "extractable FAILED",
                    "checksum ERROR");
            // FAILED first, PASSED last; a restore test passed, a later one FAILED: the one that passed counts
            verification(c, "v3", restored, "FAILED", T, "gzip_integrity FAILED");
            verification(c, "v4", restored, "PASSED", T + 2 * HOUR, "gzip_integrity PASSED");
            restore(c, "r1", restored, "PASSED", T + 3 * HOUR);
            restore(c, "r2", restored, "FAILED", T + 4 * HOUR);
            restore(c, "r3", restored, "PASSED", T - HOUR);
            // never verified, only a FAILED restore test: no restore time
            restore(c, "r4", never, "FAILED", T);
            // ERROR: its FAILED checks, and apart the one that could not run
            verification(c, "v5", error, "ERROR", T + 5 * HOUR, "format ERROR", "size FAILED");
            verification(c, "v6", warned, "WARNING", T + 6 * HOUR, "size_anomaly WARNING");
            // a backup no longer in the directory: in the store, not in the report
            verification(c, "v7", backups.resolve("daily/gone.sql.gz"), "FAILED", T, "gzip_integrity FAILED");
            restore(c, "r5", backups.resolve("daily/gone.sql.gz"), "PASSED", T);
        }

        ReportRows reportRows =
                new ReportRows(new BackupCatalog(backups, List.of("*.sql.gz"), List.of()), new ResultsQueries(data));
        List<ReportRow> rows = reportRows.rows(reportRows.backups());

        assertThat(rows)
                .containsExactly(
                        new ReportRow(
                                failed,
                                "daily",
                                size(failed),
                                Instant.parse("2026-11-20T10:00:00Z"),
                                "FAILED",
                                Instant.ofEpochMilli(T + HOUR),
                                List.of("extractable", "gzip_integrity"),
                                null,
                                List.of("checksum")),
                        new ReportRow(
                                restored,
                                "daily",
                                size(restored),
                                Instant.parse("2026-11-19T10:00:00Z"),
                                "PASSED",
                                Instant.ofEpochMilli(T + 2 * HOUR),
                                List.of(),
                                Instant.ofEpochMilli(T + 3 * HOUR)),
                        new ReportRow(
                                warned,
                                "daily",
                                size(warned),
                                Instant.parse("2026-11-18T10:00:00Z"),
                                "WARNING",
                                Instant.ofEpochMilli(T + 6 * HOUR),
                                List.of(),
                                null),
                        new ReportRow(
                                never,
                                "weekly",
                                size(never),
                                Instant.parse("2026-11-16T10:00:00Z"),
                                ReportRow.NOT_VERIFIED,
                                null,
                                List.of(),
                                null),
                        new ReportRow(
                                error,
                                "weekly",
                                size(error),
                                Instant.parse("2026-11-09T10:00:00Z"),
                                "ERROR",
                                Instant.ofEpochMilli(T + 5 * HOUR),
                                List.of("size"),
                                null,
                                List.of("format")));
    }

    private static Path backup(Path backups, String category, String name, String createdAt) {
        Path b = Fixtures.backup(backups.resolve(category), "shop.sql.gz", name);
        Fixtures.sidecar(b, createdAt, category);
        return b.toAbsolutePath().normalize();
    }

    private static long size(Path file) throws Exception {
        return Files.size(file);
    }

    /** One verification as the store keeps it; checks as "id STATUS". */
    private static void verification(Connection c, String id, Path file, String status, long at, String... checks)
            throws SQLException {
        try (PreparedStatement v =
                        c.prepareStatement("INSERT INTO bv_verification (id, file_path, file_name, kind, category,"
                                + " size_bytes, status, verified_at, duration_ms, sha256)"
                                + " VALUES (?, ?, ?, 'plain', ?, 100, ?, ?, 5, ?)");
                PreparedStatement k =
                        c.prepareStatement("INSERT INTO bv_check (verification_id, check_id, status, message)"
                                + " VALUES (?, ?, ?, 'as stored')")) {
            v.setString(1, id);
            v.setString(2, file.toString());
            v.setString(3, file.getFileName().toString());
            v.setString(4, file.getParent().getFileName().toString());
            v.setString(5, status);
            v.setLong(6, at);
            v.setString(7, content(file));
            v.executeUpdate();
            List<String[]> parts = new ArrayList<>();
            for (String check : checks) {
                parts.add(check.split(" "));
            }
            for (String[] p : parts) {
                k.setString(1, id);
                k.setString(2, p[0]);
                k.setString(3, p[1]);
                k.executeUpdate();
            }
        }
    }

    private static void restore(Connection c, String id, Path file, String status, long at) throws SQLException {
        try (PreparedStatement r =
                c.prepareStatement("INSERT INTO bv_restore (id, file_path, file_name, kind, category, status,"
                        + " target, tested_at, restore_ms, checks_ms, sha256)"
                        + " VALUES (?, ?, ?, 'plain', ?, ?, 'embedded', ?, 10, 10, ?)")) {
            r.setString(1, id);
            r.setString(2, file.toString());
            r.setString(3, file.getFileName().toString());
            r.setString(4, file.getParent().getFileName().toString());
            r.setString(5, status);
            r.setLong(6, at);
            r.setString(7, content(file));
            r.executeUpdate();
        }
    }

    /** The SHA-256 a verification and a restore test of the file's one content both record (a stand-in). */
    private static String content(Path file) {
        return "sha256-of-" + file.getFileName();
    }
}
