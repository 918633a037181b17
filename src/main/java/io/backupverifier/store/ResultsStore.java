package io.backupverifier.store;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.restore.RestoreResult;
import io.backupverifier.checks.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Every verification result, written through JDBC (DESIGN.md section 9). */
public final class ResultsStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResultsStore.class);

    private final DataSource dataSource;
    private final Clock clock;
    private volatile boolean ready;

    public ResultsStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Creates the tables if they are not there; the same SQL on SQLite and PostgreSQL. */
    public void init() {
        String schema;
        try (InputStream in = ResultsStore.class.getResourceAsStream("schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("schema.sql missing from the jar", e);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : schema.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
            ready = true;
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Start-up: a store that is down must not stop verification. Says so once; the schema is
     * created by the first save that reaches it.
     */
    public void initOrWarn() {
        try {
            init();
        } catch (ResultsStoreException e) {
            LOG.warn("{}; results are not recorded until it is reachable", e.getMessage());
        }
    }

    /** Writes one verification and its checks in one transaction; returns it for the next route step. */
    public Verification save(Verification v) {
        if (!ready) {
            init();
        }
        String id = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO bv_verification (id, file_path, file_name, kind,"
                    + " category, size_bytes, modified_at, created_at, sha256, status, verified_at, duration_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement chk = c.prepareStatement(
                         "INSERT INTO bv_check (verification_id, check_id, status, message) VALUES (?, ?, ?, ?)")) {
                ins.setString(1, id);
                ins.setString(2, v.file().toString());
                ins.setString(3, v.file().getFileName().toString());
                ins.setString(4, v.scan().content().kind().format());
                ins.setString(5, v.category());
                ins.setLong(6, v.scan().size());
                setNullableLong(ins, 7, v.scan().modified() == null ? null : v.scan().modified().toEpochMilli());
                setNullableLong(ins, 8, v.metadata().createdAt() == null ? null : v.metadata().createdAt().toEpochMilli());
                ins.setString(9, v.scan().sha256());
                ins.setString(10, v.status().name());
                ins.setLong(11, clock.millis());
                ins.setLong(12, v.scan().durationMillis());
                ins.executeUpdate();
                insertChecks(chk, id, v);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable, result of " + v.file().getFileName()
                    + " not recorded: " + e.getMessage(), e);
        }
        return v;
    }

    /** Writes one restore test: its checks, per-table row counts and durations (for comparing later runs). */
    public RestoreResult saveRestore(RestoreResult r) {
        if (!ready) {
            init();
        }
        String id = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO bv_restore (id, file_path, file_name, kind, category,"
                    + " status, target, tested_at, restore_ms, checks_ms, rows_loaded, skipped_statements)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement chk = c.prepareStatement(
                         "INSERT INTO bv_restore_check (restore_id, check_id, status, message) VALUES (?, ?, ?, ?)");
                 PreparedStatement rows = c.prepareStatement(
                         "INSERT INTO bv_restore_table (restore_id, table_name, row_count) VALUES (?, ?, ?)")) {
                ins.setString(1, id);
                ins.setString(2, r.file().toString());
                ins.setString(3, r.file().getFileName().toString());
                ins.setString(4, r.kind());
                ins.setString(5, r.category());
                ins.setString(6, r.status().name());
                ins.setString(7, r.target());
                ins.setLong(8, clock.millis());
                ins.setLong(9, r.restoreMillis());
                ins.setLong(10, r.checksMillis());
                setNullableLong(ins, 11, r.outcome() == null ? null : r.outcome().rows());
                setNullableLong(ins, 12, r.outcome() == null ? null : r.outcome().skipped());
                ins.executeUpdate();
                insertChecks(chk, id, r);
                for (Map.Entry<String, Long> e : r.rowCounts().entrySet()) {
                    rows.setString(1, id);
                    rows.setString(2, e.getKey());
                    rows.setLong(3, e.getValue());
                    rows.addBatch();
                }
                rows.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable, restore test of " + r.file().getFileName()
                    + " not recorded: " + e.getMessage(), e);
        }
        return r;
    }

    private static void insertChecks(PreparedStatement chk, String id, BackupResult r) throws SQLException {
        for (Map.Entry<String, CheckResult> e : r.checks().entrySet()) {
            chk.setString(1, id);
            chk.setString(2, e.getKey());
            chk.setString(3, e.getValue().status().name());
            chk.setString(4, e.getValue().message());
            chk.addBatch();
        }
        chk.executeBatch();
    }

    /** The latest verification of a backup, as a report shows it. */
    public record Latest(String status, long verifiedAt, List<String> failedChecks, long sizeBytes, String category) { }

    public Optional<Latest> latestVerification(String filePath) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT id, status, verified_at, size_bytes, category FROM bv_verification"
                     + " WHERE file_path = ? ORDER BY verified_at DESC LIMIT 1");
             PreparedStatement f = c.prepareStatement("SELECT check_id FROM bv_check WHERE verification_id = ? AND status = 'FAILED'"
                     + " ORDER BY check_id")) {
            q.setString(1, filePath);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                f.setString(1, rs.getString(1));
                List<String> failed = new java.util.ArrayList<>();
                try (ResultSet fr = f.executeQuery()) {
                    while (fr.next()) {
                        failed.add(fr.getString(1));
                    }
                }
                return Optional.of(new Latest(rs.getString(2), rs.getLong(3), failed, rs.getLong(4), rs.getString(5)));
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    /** When the backup last passed a restore test, if ever. */
    public Optional<Long> lastSuccessfulRestore(String filePath) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT max(tested_at) FROM bv_restore WHERE file_path = ? AND status <> 'FAILED'")) {
            q.setString(1, filePath);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                long t = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(t);
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    /** Verifications per day since {@code sinceMillis}: day (yyyy-MM-dd, UTC) -> [passed, failed]. */
    /** FAILED or ERROR, as stored. */
    private static boolean isProblem(String status) {
        return "FAILED".equals(status) || "ERROR".equals(status);
    }

    public Map<String, long[]> verificationsPerDay(long sinceMillis) {
        Map<String, long[]> days = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT verified_at, status FROM bv_verification WHERE verified_at >= ?")) {
            q.setLong(1, sinceMillis);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String day = java.time.Instant.ofEpochMilli(rs.getLong(1)).toString().substring(0, 10);
                    days.computeIfAbsent(day, d -> new long[2])[isProblem(rs.getString(2)) ? 1 : 0]++;
                }
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
        return days;
    }

    /** The headline counters: latest status of every backup ever verified, and the last events. */
    public record Counters(int verified, int failed, long lastRun, String lastFailure, long lastSuccessfulRestore) { }

    public Counters counters() {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            int verified = 0;
            int failed = 0;
            try (ResultSet rs = s.executeQuery("SELECT v.status, count(*) FROM bv_verification v WHERE v.verified_at ="
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
            try (ResultSet rs = s.executeQuery("SELECT file_name, verified_at FROM bv_verification WHERE status = 'FAILED'"
                    + " ORDER BY verified_at DESC LIMIT 1")) {
                if (rs.next()) {
                    lastFailure = rs.getString(1) + " at " + java.time.Instant.ofEpochMilli(rs.getLong(2));
                }
            }
            long lastRestore;
            try (ResultSet rs = s.executeQuery("SELECT max(tested_at) FROM bv_restore WHERE status <> 'FAILED'")) {
                rs.next();
                lastRestore = rs.getLong(1);
            }
            return new Counters(verified, failed, lastRun, lastFailure, lastRestore);
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    /** Whether the store answers (the health check). */
    public void ping() throws SQLException {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    /** How many verifications of this file are recorded (tests and status pages). */
    public int countFor(String filePath) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM bv_verification WHERE file_path = ?")) {
            q.setString(1, filePath);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
