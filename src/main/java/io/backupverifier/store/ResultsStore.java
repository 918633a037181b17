package io.backupverifier.store;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.Verification;
import io.backupverifier.report.LogLine;
import io.backupverifier.restore.RestoreResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteException;

/**
 * Every verification result, written through JDBC (DESIGN.md section 9); {@link ResultsQueries}
 * reads them. A store that goes away
 * does not stop verification: what cannot be written waits in a spool and is written when the
 * store answers again, and tables that disappeared (a database dropped and created again) are
 * created again.
 */
public final class ResultsStore {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsStore.class);

    /** The columns that hold text and may be null; the other nullable ones are numbers. */
    private static final Set<String> TEXT_COLUMNS = Set.of("sha256", "message");

    /** Flyway's record of the migrations applied to the results store. */
    static final String HISTORY_TABLE = "bv_schema_history";

    /** How {@link ResultsQueries#problem} begins when the history records a failed migration. */
    public static final String FAILED_MIGRATION = "migration";

    private final DataSource dataSource;
    private final Clock clock;
    private final ResultsSpool spool;
    private volatile boolean ready;
    /** Why the store could not be written, while it cannot; null when it answers. */
    private volatile String outage;

    /** A store without a spool: a result that cannot be written is an error (tests, tools). */
    public ResultsStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, null);
    }

    /** @param spoolDir where results wait while the store cannot take them (service and commands) */
    public ResultsStore(DataSource dataSource, Clock clock, Path spoolDir) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.spool = spoolDir == null ? null : new ResultsSpool(spoolDir);
    }

    /** Creates or upgrades the tables (versioned migrations); the same SQL on SQLite and PostgreSQL. */
    public void init() {
        try {
            createSchema();
        } catch (SQLException e) {
            throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Brings the schema to the newest version with Flyway (the migrations in
     * {@code io/backupverifier/store/migration}). A store made before versioned migrations (its
     * tables there, no history) is baselined at version 1, today's tables and rows kept; an empty
     * one, or one that lost its tables, gets every migration. Flyway locks the history on
     * PostgreSQL, so several nodes starting at once migrate once.
     */
    private void createSchema() throws SQLException {
        try {
            boolean unversioned = hasTable("bv_verification") && !hasTable(HISTORY_TABLE);
            Flyway.configure(ResultsStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(locations())
                    .table(HISTORY_TABLE)
                    .baselineOnMigrate(true)
                    // other tables there (the watcher's), none of ours: apply version 1 too
                    .baselineVersion(unversioned ? "1" : "0")
                    .load()
                    .migrate();
            ready = true;
        } catch (FlywayException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getMessage(), e);
        }
    }

    /** The shared migrations, and on PostgreSQL (where several nodes may share the store) the cluster's tables. */
    private String[] locations() throws SQLException {
        String shared = "classpath:io/backupverifier/store/migration";
        try (Connection c = dataSource.getConnection()) {
            return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName())
                    ? new String[] {shared, shared + "-postgresql"}
                    : new String[] {shared};
        }
    }

    private boolean hasTable(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            for (String n : new String[] {name, name.toUpperCase(Locale.ROOT)}) {
                try (ResultSet rs = meta.getTables(null, c.getSchema(), n, new String[] {"TABLE"})) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** "no such table" (SQLite) or undefined_table (PostgreSQL): the schema went away with its database. */
    static boolean missingSchema(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "42P01".equals(s.getSQLState())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("no such table")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The store refused the data itself (a constraint, a value too long): waiting will not help,
     * unlike a store that is away (connection, login, disk full, missing database).
     */
    static boolean refused(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
            return true; // PostgreSQL: data exception, integrity constraint violation
        }
        // SQLite (no SQL state): SQLITE_TOOBIG 18, SQLITE_CONSTRAINT 19, SQLITE_MISMATCH 20
        return e instanceof SQLiteException && Set.of(18, 19, 20).contains(e.getErrorCode() & 0xff);
    }

    /**
     * Start-up: a store that is down must not stop verification. Says so once; the schema is
     * created by the first save that reaches it.
     */
    public void initOrWarn() {
        try {
            init();
        } catch (ResultsStoreException e) {
            LOG.warn("{}; results are kept and written when it is reachable", e.getMessage());
        }
    }

    /**
     * Start-up of a clustered node: its timers and backup locks are kept in the store, so it cannot
     * start without it. A store slow to answer (a busy server, a pool still opening) is waited for
     * up to {@code patience}; one that still does not answer then stops start-up, saying why.
     */
    public void initWithin(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean said = false;
        while (true) {
            try {
                init();
                return;
            } catch (ResultsStoreException e) {
                if (!unreachable(e.getCause()) || System.nanoTime() - deadline > 0) {
                    throw new ResultsStoreException(
                            e.getMessage() + " (a clustered node cannot start without it: its timers and backup"
                                    + " locks are kept there)",
                            e);
                }
                if (!said) {
                    LOG.warn(
                            "{}; a clustered node needs it to start, waiting up to {} s",
                            e.getMessage(),
                            patience.toSeconds());
                    said = true;
                }
                try {
                    Thread.sleep(500); // the pool answers at once while it remembers the failure
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** No connection came (class 08, connection exception), rather than one that was refused or failed inside. */
    private static boolean unreachable(Throwable e) {
        return e instanceof SQLTransientConnectionException
                || (e instanceof SQLException s
                        && s.getSQLState() != null
                        && s.getSQLState().startsWith("08"));
    }

    /** The versions of this build's migrations: the V*.sql files in {@code migration/}, and on PostgreSQL also {@code migration-postgresql/}. */
    static final List<String> SHARED_VERSIONS = List.of("1", "2", "5", "6");

    static final List<String> POSTGRESQL_VERSIONS = List.of("2.1", "2.2", "3", "3.1");

    /**
     * {@link #initOrWarn()} for a one-shot command: a store whose history already lists every
     * migration of this build, none failed, is used as it is, and only one that is behind (or
     * cannot be read) goes through Flyway. Flyway is a few hundred classes and a scan of the jar,
     * a good part of a short command's CPU; the service still migrates and validates with it at
     * every start.
     */
    public void initIfBehindOrWarn() {
        if (upToDate()) {
            ready = true;
        } else {
            initOrWarn();
        }
    }

    private boolean upToDate() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, success FROM " + HISTORY_TABLE)) {
            Set<String> applied = new HashSet<>();
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false; // a failed migration: Flyway says what to do
                }
                applied.add(rs.getString(1));
            }
            return applied.containsAll(SHARED_VERSIONS)
                    && (!"PostgreSQL".equals(c.getMetaData().getDatabaseProductName())
                            || applied.containsAll(POSTGRESQL_VERSIONS));
        } catch (SQLException e) {
            return false; // no history yet, or a store that is away: Flyway tries and says so
        }
    }

    /** A database action that may find the tables gone. */
    private interface Action<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs an action; when the tables are gone, creates them again and runs it once more. */
    private <T> T withSchema(Action<T> action) throws SQLException {
        if (!ready) {
            createSchema();
        }
        try (Connection c = dataSource.getConnection()) {
            return action.run(c);
        } catch (SQLException e) {
            if (!missingSchema(e)) {
                throw e;
            }
            LOG.warn("The results store's tables are missing ({}): creating them again", e.getMessage());
            createSchema();
            try (Connection c = dataSource.getConnection()) {
                return action.run(c);
            }
        }
    }

    /** Writes one verification and its checks in one transaction; returns it for the next route step. */
    public Verification save(Verification v) {
        String id = UUID.randomUUID().toString();
        List<ResultsSpool.Row> rows = new ArrayList<>();
        rows.add(new ResultsSpool.Row(
                "bv_verification",
                List.of(
                        "id",
                        "file_path",
                        "file_name",
                        "kind",
                        "category",
                        "size_bytes",
                        "modified_at",
                        "created_at",
                        "sha256",
                        "status",
                        "verified_at",
                        "duration_ms"),
                Arrays.asList(
                        id,
                        v.file().toString(),
                        v.file().getFileName().toString(),
                        v.scan().content().kind().format(),
                        v.category(),
                        v.scan().size(),
                        v.scan().modified() == null ? null : v.scan().modified().toEpochMilli(),
                        v.metadata().createdAt() == null
                                ? null
                                : v.metadata().createdAt().toEpochMilli(),
                        v.scan().sha256(),
                        v.status().name(),
                        clock.millis(),
                        v.scan().durationMillis())));
        addChecks(rows, "bv_check", "verification_id", id, v);
        write(rows, "result of " + LogLine.printable(v.file().getFileName().toString()));
        return v;
    }

    /** Writes one restore test: its checks, per-table row counts and durations (for comparing later runs). */
    public RestoreResult saveRestore(RestoreResult r) {
        String id = UUID.randomUUID().toString();
        List<ResultsSpool.Row> rows = new ArrayList<>();
        rows.add(new ResultsSpool.Row(
                "bv_restore",
                List.of(
                        "id",
                        "file_path",
                        "file_name",
                        "kind",
                        "category",
                        "status",
                        "target",
                        "tested_at",
                        "restore_ms",
                        "checks_ms",
                        "rows_loaded",
                        "skipped_statements",
                        "sha256"),
                Arrays.asList(
                        id,
                        r.file().toString(),
                        r.file().getFileName().toString(),
                        r.kind(),
                        r.category(),
                        r.status().name(),
                        r.target(),
                        clock.millis(),
                        r.restoreMillis(),
                        r.checksMillis(),
                        r.outcome() == null ? null : r.outcome().rows(),
                        r.outcome() == null ? null : r.outcome().skipped(),
                        r.contentSha256())));
        addChecks(rows, "bv_restore_check", "restore_id", id, r);
        for (Map.Entry<String, Long> e : r.rowCounts().entrySet()) {
            rows.add(new ResultsSpool.Row(
                    "bv_restore_table",
                    List.of("restore_id", "table_name", "row_count"),
                    Arrays.asList(id, e.getKey(), e.getValue())));
        }
        write(
                rows,
                "restore test of " + LogLine.printable(r.file().getFileName().toString()));
        return r;
    }

    private static void addChecks(
            List<ResultsSpool.Row> rows, String table, String idColumn, String id, BackupResult r) {
        for (Map.Entry<String, CheckResult> e : r.checks().entrySet()) {
            rows.add(new ResultsSpool.Row(
                    table,
                    List.of(idColumn, "check_id", "status", "message"),
                    Arrays.asList(
                            id,
                            e.getKey(),
                            e.getValue().status().name(),
                            e.getValue().message())));
        }
    }

    /** Writes one result; while the store cannot take it, it waits in the spool. */
    private void write(List<ResultsSpool.Row> rows, String what) {
        try {
            insert(rows);
        } catch (SQLException e) {
            if (spool == null || refused(e)) {
                throw new ResultsStoreException(
                        "Results store unavailable, " + what + " not recorded: " + e.getMessage(), e);
            }
            spool.keep(rows);
            if (outage == null) {
                LOG.warn(
                        "Results store unavailable ({}): {} and later results wait in {} until it answers again",
                        e.getMessage(),
                        what,
                        spool.dir().toAbsolutePath());
            }
            outage = e.getMessage();
            return;
        }
        flush();
    }

    /** One result in one transaction; a result whose first row's id is already there was written before. */
    private void insert(List<ResultsSpool.Row> rows) throws SQLException {
        withSchema(c -> {
            c.setAutoCommit(false);
            try {
                ResultsSpool.Row first = rows.get(0);
                try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM " + first.table() + " WHERE id = ?")) {
                    q.setObject(1, first.values().get(0));
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            c.rollback();
                            return null;
                        }
                    }
                }
                for (ResultsSpool.Row row : rows) {
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + row.table() + " ("
                            + String.join(", ", row.columns()) + ") VALUES ("
                            + String.join(
                                    ", ", Collections.nCopies(row.columns().size(), "?"))
                            + ")")) {
                        for (int i = 0; i < row.values().size(); i++) {
                            Object value = row.values().get(i);
                            if (value == null) {
                                ins.setNull(
                                        i + 1,
                                        TEXT_COLUMNS.contains(row.columns().get(i)) ? Types.VARCHAR : Types.BIGINT);
                            } else if (value instanceof Number n) {
                                ins.setLong(i + 1, n.longValue());
                            } else {
                                ins.setString(i + 1, value.toString());
                            }
                        }
                        ins.executeUpdate();
                    }
                }
                c.commit();
                return null;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /**
     * Writes the results that wait in the spool, if the store takes them (a timer calls this, and
     * every result that reaches the store). Touches no database while nothing waits.
     */
    public void flush() {
        if (spool == null || spool.pending() == 0) {
            if (outage != null && spool != null) {
                outage = null;
            }
            return;
        }
        try {
            int written = spool.drain(this::insert);
            LOG.info("Results store reachable again: {} waiting result(s) written", written);
            outage = null;
        } catch (SQLException e) {
            outage = e.getMessage();
        }
    }

    /** How many results wait to be written (0 without a spool). */
    public int pending() {
        return spool == null ? 0 : spool.pending();
    }

    /** A restore test's verdict on one exact content of a backup: its status, message and when it ran. */
    public record RestoreVerdict(String status, String message, long testedAt) {}

    /**
     * Remembers the verdict of a restore test of a suspect backup (FAILED only on its sidecar or
     * checksum) for this exact content of the file: path, size, modification time and SHA-256.
     */
    public void rememberRestoreVerdict(
            Path file, long sizeBytes, long modifiedAt, String sha256, RestoreVerdict verdict) {
        write(
                List.of(new ResultsSpool.Row(
                        "bv_suspect_restore",
                        List.of(
                                "id",
                                "file_path",
                                "size_bytes",
                                "modified_at",
                                "sha256",
                                "status",
                                "message",
                                "tested_at"),
                        Arrays.asList(
                                UUID.randomUUID().toString(),
                                file.toString(),
                                sizeBytes,
                                modifiedAt,
                                sha256,
                                verdict.status(),
                                verdict.message(),
                                verdict.testedAt()))),
                "restore verdict of " + LogLine.printable(file.getFileName().toString()));
    }

    /**
     * Whether the store answers with its tables (the health check): creates them again when they
     * are gone, writes what waits in the spool, and fails while results still wait.
     */
    public void ping() throws SQLException {
        withSchema(c -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT count(*) FROM bv_verification WHERE 1 = 0")
                        .close();
            }
            return null;
        });
        flush();
        int waiting = pending();
        if (waiting > 0) {
            throw new ResultsStoreException(
                    "Results store: " + waiting + " result(s) not yet written, waiting in "
                            + spool.dir().toAbsolutePath() + (outage == null ? "" : " (" + outage + ")"),
                    null);
        }
    }
}
