package io.backupverifier.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Read-only questions to the results store for the operator's commands ({@code list},
 * {@code history}, {@code check}). Never creates anything: a store with no file yet or
 * without tables has no results, which is an answer, not an error.
 */
public final class ResultsQueries {

    /** One verification as stored; failed checks by id. */
    public record VerificationRow(String file, String category, String status, long verifiedAt, long sizeBytes, long durationMs,
                                  List<String> failedChecks) { }

    /** One restore test as stored, with its per-table row counts (table -> rows), in table order. */
    public record RestoreRow(String file, String category, String status, long testedAt, long restoreMs, long checksMs,
                             Long rowsLoaded, Map<String, Long> tables) { }

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
    public java.util.Optional<String> problem() {
        if (dataSource == null) {
            return java.util.Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("bv_verification", "bv_check", "bv_restore", "bv_restore_check", "bv_restore_table")) {
                s.executeQuery("SELECT count(*) FROM " + table + " WHERE 1 = 0").close();
            }
            return java.util.Optional.empty();
        } catch (SQLException e) {
            return java.util.Optional.of(ResultsStore.missingSchema(e) ? "tables missing (" + e.getMessage().strip() + ")"
                    : e.getMessage().strip());
        }
    }

    /** Results waiting in {@code spoolDir} because the store could not take them when they were made. */
    public static int waiting(Path spoolDir) {
        return Files.isDirectory(spoolDir) ? new ResultsSpool(spoolDir).pending() : 0;
    }

    /** The latest verification of every file, by file path as stored. */
    public Map<String, VerificationRow> latestVerifications() {
        Map<String, VerificationRow> out = new LinkedHashMap<>();
        for (VerificationRow r : verifications("SELECT id, file_path, category, status, verified_at, size_bytes, duration_ms"
                + " FROM bv_verification ORDER BY verified_at", List.of())) {
            out.put(r.file(), r);
        }
        return out;
    }

    /** The latest restore test of every file, by file path as stored (without table counts). */
    public Map<String, RestoreRow> latestRestores() {
        Map<String, RestoreRow> out = new LinkedHashMap<>();
        for (RestoreRow r : restores("SELECT id, file_path, category, status, tested_at, restore_ms, checks_ms, rows_loaded"
                + " FROM bv_restore ORDER BY tested_at", List.of(), false)) {
            out.put(r.file(), r);
        }
        return out;
    }

    /** Verifications of one file (its path as stored) or, with {@code category}, of a category; oldest first. */
    public List<VerificationRow> verificationsOf(String filePath, String category) {
        return filePath != null
                ? verifications("SELECT id, file_path, category, status, verified_at, size_bytes, duration_ms FROM bv_verification"
                        + " WHERE file_path = ? ORDER BY verified_at", List.of(filePath))
                : verifications("SELECT id, file_path, category, status, verified_at, size_bytes, duration_ms FROM bv_verification"
                        + " WHERE category = ? ORDER BY verified_at", List.of(category));
    }

    /** Restore tests of a category, with their per-table row counts; oldest first. */
    public List<RestoreRow> restoresOfCategory(String category) {
        return restores("SELECT id, file_path, category, status, tested_at, restore_ms, checks_ms, rows_loaded FROM bv_restore"
                + " WHERE category = ? ORDER BY tested_at", List.of(category), true);
    }

    /** Restore tests of one file, with their per-table row counts; oldest first. */
    public List<RestoreRow> restoresOfFile(String filePath) {
        return restores("SELECT id, file_path, category, status, tested_at, restore_ms, checks_ms, rows_loaded FROM bv_restore"
                + " WHERE file_path = ? ORDER BY tested_at", List.of(filePath), true);
    }

    /** The categories that have verifications or restore tests (for a helpful "no such category"). */
    public List<String> categories() {
        return read(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT category FROM bv_verification UNION SELECT category FROM bv_restore ORDER BY 1")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }, List.of());
    }

    private List<VerificationRow> verifications(String sql, List<String> params) {
        return read(c -> {
            List<VerificationRow> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(sql);
                 PreparedStatement f = c.prepareStatement("SELECT check_id FROM bv_check WHERE verification_id = ?"
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
                        out.add(new VerificationRow(rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                                rs.getLong(7), failed));
                    }
                }
            }
            return out;
        }, List.of());
    }

    private List<RestoreRow> restores(String sql, List<String> params, boolean withTables) {
        return read(c -> {
            List<RestoreRow> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(sql);
                 PreparedStatement t = c.prepareStatement("SELECT table_name, row_count FROM bv_restore_table WHERE restore_id = ?"
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
                        out.add(new RestoreRow(rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                                rs.getLong(7), rs.wasNull() ? null : rows, tables));
                    }
                }
            }
            return out;
        }, List.of());
    }
}
