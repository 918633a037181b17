package io.backupverifier.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Read-only questions to the results store: the operator's commands ({@code list},
 * {@code history}, {@code check}), the report and status page, size_anomaly's failed backups and
 * the MBean's headline counters. {@link ResultsStore} writes; this class only reads. Never
 * creates anything: a store with no file yet or without tables has no results, which is an
 * answer, not an error. Each question is a fixed number of queries, whatever the number of
 * backups.
 */
public final class ResultsQueries {

    /** One verification as stored; failed checks by id. */
    public record VerificationRow(
            String file,
            String category,
            String status,
            long verifiedAt,
            long sizeBytes,
            long durationMs,
            List<String> failedChecks) {}

    /** One restore test as stored, with its per-table row counts (table -> rows), in table order. */
    public record RestoreRow(
            String file,
            String category,
            String status,
            long testedAt,
            long restoreMs,
            long checksMs,
            Long rowsLoaded,
            Map<String, Long> tables) {}

    /** What the report shows of a backup's latest verification: FAILED checks by id, in id order. */
    public record LatestVerification(
            String status, long verifiedAt, List<String> failedChecks, List<String> checksNotRun) {}

    /** The headline counters: latest status of every backup ever verified, and the last events (0 or "" for none). */
    public record Counters(int verified, int failed, long lastRun, String lastFailure, long lastSuccessfulRestore) {}

    private static final long DAY_MS = 86_400_000L;
    /** The columns a {@link VerificationRow} is read from, in its order. */
    private static final String VERIFICATIONS =
            "SELECT id, file_path, category, status, verified_at, size_bytes, duration_ms FROM bv_verification";
    /** The columns a {@link RestoreRow} is read from, in its order. */
    private static final String RESTORES =
            "SELECT id, file_path, category, status, tested_at, restore_ms, checks_ms, rows_loaded FROM bv_restore";

    private final DataSource dataSource;

    /** @param dataSource the store; null for a store that does not exist yet (no results) */
    public ResultsQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The configured store; an SQLite file that is not there yet is an empty store, and is not created. */
    public static ResultsQueries of(String url, String user, String password) {
        if (url.startsWith("jdbc:sqlite:") && !Files.isRegularFile(Path.of(url.substring("jdbc:sqlite:".length())))) {
            return new ResultsQueries(null);
        }
        return new ResultsQueries(DataSources.of(url, user, password));
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Query<T> q, T none) {
        if (dataSource == null) {
            return none;
        }
        try (Connection c = dataSource.getConnection()) {
            return q.run(c);
        } catch (SQLException e) {
            if (ResultsStore.missingSchema(e)) {
                return none;
            }
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the store answers and has its tables: empty when it does, else why not. A store
     * that does not exist yet answers (the first result creates it).
     */
    public Optional<String> problem() {
        if (dataSource == null) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String table :
                    List.of("bv_verification", "bv_check", "bv_restore", "bv_restore_check", "bv_restore_table")) {
                s.executeQuery("SELECT count(*) FROM " + table + " WHERE 1 = 0").close();
            }
            return failedMigration(s);
        } catch (SQLException e) {
            return Optional.of(
                    ResultsStore.missingSchema(e)
                            ? "tables missing (" + e.getMessage().strip() + ")"
                            : e.getMessage().strip());
        }
    }

    /**
     * A migration the history records as failed: Flyway then refuses the store, so no result is
     * written until someone repairs it (the tables are there, which alone looks healthy).
     */
    private static Optional<String> failedMigration(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT version, description FROM " + ResultsStore.HISTORY_TABLE
                + " WHERE success = " + (isPostgres(s) ? "false" : "0") + " ORDER BY installed_rank")) {
            return rs.next()
                    ? Optional.of(ResultsStore.FAILED_MIGRATION + " to version " + rs.getString(1) + " ("
                            + rs.getString(2) + ") failed")
                    : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty(); // no history yet: the first result creates it
        }
    }

    private static boolean isPostgres(Statement s) throws SQLException {
        return "PostgreSQL".equals(s.getConnection().getMetaData().getDatabaseProductName());
    }

    /** Results waiting in {@code spoolDir} because the store could not take them when they were made. */
    public static int waiting(Path spoolDir) {
        return Files.isDirectory(spoolDir) ? new ResultsSpool(spoolDir).pending() : 0;
    }

    /** The latest verification of every file, by file path as stored. */
    public Map<String, VerificationRow> latestVerifications() {
        Map<String, VerificationRow> out = new LinkedHashMap<>();
        for (VerificationRow r : verifications(VERIFICATIONS + " ORDER BY verified_at", List.of())) {
            out.put(r.file(), r);
        }
        return out;
    }

    /** The latest restore test of every file, by file path as stored (without table counts). */
    public Map<String, RestoreRow> latestRestores() {
        Map<String, RestoreRow> out = new LinkedHashMap<>();
        for (RestoreRow r : restores(RESTORES + " ORDER BY tested_at", List.of(), false)) {
            out.put(r.file(), r);
        }
        return out;
    }

    /** Verifications of one file (its path as stored) or, with {@code category}, of a category; oldest first. */
    public List<VerificationRow> verificationsOf(String filePath, String category) {
        String column = filePath != null ? "file_path" : "category";
        return verifications(
                VERIFICATIONS + " WHERE " + column + " = ? ORDER BY verified_at",
                List.of(filePath != null ? filePath : category));
    }

    /** Restore tests of a category, with their per-table row counts; oldest first. */
    public List<RestoreRow> restoresOfCategory(String category) {
        return restoresWhere("category", category);
    }

    /** Restore tests of one file, with their per-table row counts; oldest first. */
    public List<RestoreRow> restoresOfFile(String filePath) {
        return restoresWhere("file_path", filePath);
    }

    /** Restore tests whose {@code column} (a column name of this class, never input) is {@code value}; oldest first. */
    private List<RestoreRow> restoresWhere(String column, String value) {
        return restores(RESTORES + " WHERE " + column + " = ? ORDER BY tested_at", List.of(value), true);
    }

    /** The categories that have verifications or restore tests (for a helpful "no such category"). */
    public List<String> categories() {
        return read(
                c -> {
                    List<String> out = new ArrayList<>();
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(
                                    "SELECT category FROM bv_verification UNION SELECT category FROM bv_restore ORDER BY 1")) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                },
                List.of());
    }

    /**
     * The latest verification of every file ever verified, by file path as stored, with its FAILED
     * checks and those that could not run (ERROR): one query (the latest of each file grouped in SQL, its checks joined), for the report.
     */
    public Map<String, LatestVerification> latestForReport() {
        return read(
                c -> {
                    Map<String, LatestVerification> out = new HashMap<>();
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT v.file_path, v.id, v.status, v.verified_at,"
                                    + " c.check_id, c.status FROM bv_verification v"
                                    + " JOIN (SELECT file_path, max(verified_at) AS latest FROM bv_verification GROUP BY file_path) l"
                                    + " ON l.file_path = v.file_path AND l.latest = v.verified_at"
                                    + " LEFT JOIN bv_check c ON c.verification_id = v.id AND c.status IN ('FAILED', 'ERROR')"
                                    + " ORDER BY v.file_path, v.id, c.check_id")) {
                        String path = null;
                        String id = null;
                        List<String> failed = null;
                        List<String> notRun = null;
                        while (rs.next()) {
                            if (!rs.getString(1).equals(path)) {
                                path = rs.getString(1);
                                id = rs.getString(2);
                                failed = new ArrayList<>();
                                notRun = new ArrayList<>();
                                out.put(path, new LatestVerification(rs.getString(3), rs.getLong(4), failed, notRun));
                            } else if (!rs.getString(2).equals(id)) {
                                continue; // two verifications of one file at the same millisecond: the first stands
                            }
                            String check = rs.getString(5);
                            if (check != null) {
                                ("ERROR".equals(rs.getString(6)) ? notRun : failed).add(check);
                            }
                        }
                    }
                    return out;
                },
                Map.of());
    }

    /**
     * Where the store stands: how many verifications and restore tests it holds and the latest
     * of each. Results are only ever added (one transaction per result), so any new result, from
     * this process or any other on the same store, changes it. One small query, answered from
     * the indexes: what a cached report asks before it serves its rows again.
     */
    public record Stamp(long verifications, long lastVerified, long restores, long lastTested) {}

    public Stamp stamp() {
        return read(
                c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM bv_verification),"
                                    + " (SELECT max(verified_at) FROM bv_verification),"
                                    + " (SELECT count(*) FROM bv_restore), (SELECT max(tested_at) FROM bv_restore)")) {
                        rs.next();
                        return new Stamp(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                    }
                },
                new Stamp(0, 0, 0, 0));
    }

    /**
     * When each file last passed a restore test (epoch ms; ERROR, a test that could not run, proves
     * nothing), by path: one query. A test counts only for the content it read, when that is the
     * content of the file's latest verification: the file may hold other bytes under the same name
     * since (a test from before contents were recorded counts only for a file never verified).
     */
    public Map<String, Long> lastSuccessfulRestores() {
        return read(
                c -> {
                    Map<String, Long> out = new HashMap<>();
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT r.file_path, max(r.tested_at) FROM bv_restore r"
                                    + " WHERE r.status IN ('PASSED', 'WARNING')"
                                    + " AND (NOT EXISTS (SELECT 1 FROM bv_verification w WHERE w.file_path = r.file_path)"
                                    + " OR r.sha256 = (SELECT v.sha256 FROM bv_verification v WHERE v.file_path = r.file_path"
                                    + " ORDER BY v.verified_at DESC LIMIT 1)) GROUP BY r.file_path")) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                    return out;
                },
                Map.of());
    }

    /**
     * The backups of a category whose latest verification FAILED, in one query (the size
     * history leaves them out). Paths as stored: absolute and normalised.
     */
    public Set<Path> failedIn(String category) {
        return read(
                c -> {
                    try (PreparedStatement q = c.prepareStatement("SELECT v.file_path FROM bv_verification v"
                            + " WHERE v.category = ? AND v.status = 'FAILED' AND v.verified_at ="
                            + " (SELECT max(w.verified_at) FROM bv_verification w WHERE w.file_path = v.file_path)")) {
                        q.setString(1, category);
                        Set<Path> out = new HashSet<>();
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                out.add(Path.of(rs.getString(1)));
                            }
                        }
                        return out;
                    }
                },
                Set.of());
    }

    /**
     * Verifications per day since {@code sinceMillis}: day (yyyy-MM-dd, UTC) -> [passed, failed],
     * counted in SQL (whole days of epoch milliseconds are UTC days).
     */
    public Map<String, long[]> verificationsPerDay(long sinceMillis) {
        return read(
                c -> {
                    Map<String, long[]> days = new TreeMap<>();
                    try (PreparedStatement q = c.prepareStatement(
                            "SELECT verified_at / " + DAY_MS + ", status, count(*) FROM bv_verification"
                                    + " WHERE verified_at >= ? GROUP BY verified_at / " + DAY_MS + ", status")) {
                        q.setLong(1, sinceMillis);
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                String day = LocalDate.ofEpochDay(rs.getLong(1)).toString();
                                days.computeIfAbsent(day, d -> new long[2])[isProblem(rs.getString(2)) ? 1 : 0] +=
                                        rs.getLong(3);
                            }
                        }
                    }
                    return days;
                },
                new TreeMap<>());
    }

    /** The MBean's headline counters. */
    public Counters counters() {
        return read(
                c -> {
                    try (Statement s = c.createStatement()) {
                        int verified = 0;
                        int failed = 0;
                        try (ResultSet rs = s.executeQuery(
                                "SELECT v.status, count(*) FROM bv_verification v WHERE v.verified_at ="
                                        + " (SELECT max(w.verified_at) FROM bv_verification w WHERE w.file_path = v.file_path) GROUP BY v.status")) {
                            while (rs.next()) {
                                if (isProblem(rs.getString(1))) {
                                    failed += rs.getInt(2);
                                } else {
                                    verified += rs.getInt(2);
                                }
                            }
                        }
                        long lastRun;
                        try (ResultSet rs = s.executeQuery("SELECT max(verified_at) FROM bv_verification")) {
                            rs.next();
                            lastRun = rs.getLong(1);
                        }
                        String lastFailure = "";
                        try (ResultSet rs = s.executeQuery(
                                "SELECT file_name, verified_at FROM bv_verification WHERE status = 'FAILED'"
                                        + " ORDER BY verified_at DESC LIMIT 1")) {
                            if (rs.next()) {
                                lastFailure = rs.getString(1) + " at " + Instant.ofEpochMilli(rs.getLong(2));
                            }
                        }
                        long lastRestore;
                        try (ResultSet rs = s.executeQuery(
                                "SELECT max(tested_at) FROM bv_restore WHERE status IN ('PASSED', 'WARNING')")) {
                            rs.next();
                            lastRestore = rs.getLong(1);
                        }
                        return new Counters(verified, failed, lastRun, lastFailure, lastRestore);
                    }
                },
                new Counters(0, 0, 0, "", 0));
    }

    /** FAILED or ERROR, as stored. */
    private static boolean isProblem(String status) {
        return "FAILED".equals(status) || "ERROR".equals(status);
    }

    private List<VerificationRow> verifications(String sql, List<String> params) {
        return read(
                c -> {
                    List<VerificationRow> out = new ArrayList<>();
                    try (PreparedStatement q = c.prepareStatement(sql);
                            PreparedStatement f =
                                    c.prepareStatement("SELECT check_id FROM bv_check WHERE verification_id = ?"
                                            + " AND status IN ('FAILED', 'ERROR') ORDER BY check_id")) {
                        for (int i = 0; i < params.size(); i++) {
                            q.setString(i + 1, params.get(i));
                        }
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                List<String> failed = new ArrayList<>();
                                if (!"PASSED".equals(rs.getString(4))) {
                                    f.setString(1, rs.getString(1));
                                    try (ResultSet fr = f.executeQuery()) {
                                        while (fr.next()) {
                                            failed.add(fr.getString(1));
                                        }
                                    }
                                }
                                out.add(new VerificationRow(
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getLong(5),
                                        rs.getLong(6),
                                        rs.getLong(7),
                                        failed));
                            }
                        }
                    }
                    return out;
                },
                List.of());
    }

    private List<RestoreRow> restores(String sql, List<String> params, boolean withTables) {
        return read(
                c -> {
                    List<RestoreRow> out = new ArrayList<>();
                    try (PreparedStatement q = c.prepareStatement(sql);
                            PreparedStatement t = c.prepareStatement(
                                    "SELECT table_name, row_count FROM bv_restore_table WHERE restore_id = ?"
                                            + " ORDER BY table_name")) {
                        for (int i = 0; i < params.size(); i++) {
                            q.setString(i + 1, params.get(i));
                        }
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                Map<String, Long> tables = new LinkedHashMap<>();
                                if (withTables) {
                                    t.setString(1, rs.getString(1));
                                    try (ResultSet tr = t.executeQuery()) {
                                        while (tr.next()) {
                                            tables.put(tr.getString(1), tr.getLong(2));
                                        }
                                    }
                                }
                                long rows = rs.getLong(8);
                                out.add(new RestoreRow(
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getLong(5),
                                        rs.getLong(6),
                                        rs.getLong(7),
                                        rs.wasNull() ? null : rows,
                                        tables));
                            }
                        }
                    }
                    return out;
                },
                List.of());
    }

    /** The latest remembered restore verdict for this exact content of the file, if it was restore-tested. */
    public Optional<ResultsStore.RestoreVerdict> restoreVerdict(
            Path file, long sizeBytes, long modifiedAt, String sha256) {
        return read(
                c -> {
                    try (PreparedStatement q = c.prepareStatement(
                            "SELECT status, message, tested_at FROM bv_suspect_restore"
                                    + " WHERE file_path = ? AND size_bytes = ? AND modified_at = ? AND sha256 = ? ORDER BY tested_at DESC LIMIT 1")) {
                        q.setString(1, file.toString());
                        q.setLong(2, sizeBytes);
                        q.setLong(3, modifiedAt);
                        q.setString(4, sha256);
                        try (ResultSet rs = q.executeQuery()) {
                            return rs.next()
                                    ? Optional.of(new ResultsStore.RestoreVerdict(
                                            rs.getString(1), rs.getString(2), rs.getLong(3)))
                                    : Optional.empty();
                        }
                    }
                },
                Optional.empty());
    }
}
