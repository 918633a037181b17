package io.backupverifier.livedb;

import io.backupverifier.checks.CheckResult;
import io.backupverifier.report.LogLine;
import io.backupverifier.restore.ConsistencyCheck;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * check-db: read-only checks on the live database — connectivity, key tables, blocked locks
 * (PostgreSQL) and the consistency queries of the restore test. The route {@code check-db} runs the
 * SQL on {@code jdbc:liveDatabase}; this bean supplies the statements and turns their rows into
 * verdicts. The data source makes every connection read-only before the first statement
 * (PostgreSQL: {@code default_transaction_read_only}, lock and statement timeouts as session
 * options; SQLite: a read-only connection), and each consistency query is one statement that
 * reads, run in a READ ONLY transaction of its own: nothing can be written, whatever a configured
 * query tries.
 */
public final class LiveDatabaseCheck {

    /** How to reach the live database (DATABASE_TYPE, DB_*). */
    public record Target(String type, String host, int port, String user, String password, String name) {
        String location() {
            return sqlite() ? "sqlite:" + name : "postgresql://" + user + "@" + host + ":" + port + "/" + name;
        }

        boolean sqlite() {
            return type.equals("sqlite");
        }
    }

    /**
     * Waiting lock requests of sessions in the live database, and who holds them (another database
     * on the same server is not this check's business); named columns, read by {@link #blockedLocks}. Like
     * every statement of check-db's own, it names pg_catalog's functions and operators: the session
     * keeps the live database's search path (the consistency queries rely on it), where a function
     * in public may be a better match than pg_catalog's and would run as DB_USER.
     */
    private static final String BLOCKED = """
            SELECT w.pid AS waiting_pid, coalesce(l.relation::pg_catalog.regclass::pg_catalog.text, l.locktype) AS locked,
                   l.mode AS mode, b.pid AS blocking_pid,
                   pg_catalog.left(pg_catalog.regexp_replace(coalesce(b.query, ''), '\\s+', ' ', 'g'), 120) AS blocking_query
              FROM pg_catalog.pg_locks l
              JOIN pg_catalog.pg_stat_activity w ON w.pid OPERATOR(pg_catalog.=) l.pid
              CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.pg_blocking_pids(l.pid)) AS bp(pid)
              JOIN pg_catalog.pg_stat_activity b ON b.pid OPERATOR(pg_catalog.=) bp.pid
             WHERE NOT l.granted AND w.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
             ORDER BY 1""";

    private final Target target;
    private final List<String> keyTables;
    private final Map<String, String> consistency;
    private final DataSource dataSource;

    public LiveDatabaseCheck(Target target, List<String> keyTables, Map<String, String> consistency) {
        this.target = target;
        this.keyTables = keyTables;
        this.consistency = consistency;
        this.dataSource = dataSource(target);
    }

    /** The live database's connections, read-only from their first statement ({@code jdbc:liveDatabase}). */
    public DataSource dataSource() {
        return dataSource;
    }

    private static DataSource dataSource(Target target) {
        if (target.sqlite()) {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl("jdbc:sqlite:" + target.name());
            return ds;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {target.host()});
        ds.setPortNumbers(new int[] {target.port()});
        ds.setDatabaseName(target.name());
        ds.setUser(target.user());
        if (!target.password().isEmpty()) {
            ds.setPassword(target.password());
        }
        ds.setConnectTimeout(10);
        ds.setReadOnly(true);
        ds.setApplicationName("backup-verifier check-db");
        // every transaction of the session is read-only, also after a query fails and is rolled back;
        // on production: never queue behind the application's locks, never run for long
        ds.setOptions("-c default_transaction_read_only=on -c lock_timeout=3s -c statement_timeout=60s");
        return ds;
    }

    /** A new, empty result for the route to fill. */
    public LiveDatabaseResult start() {
        return new LiveDatabaseResult(target.location());
    }

    /** The statement whose answer names the server and its version. */
    public String versionQuery() {
        return target.sqlite() ? "SELECT 'SQLite ' || sqlite_version()" : "SHOW server_version";
    }

    public void connected(LiveDatabaseResult r, Object version) {
        r.record(
                "connectivity",
                CheckResult.passed("Connected to " + target.location() + " (" + (target.sqlite() ? "" : "PostgreSQL ")
                        + version + ")"));
    }

    /** The connection failed: one check, one line; the route stops there. */
    public void unreachable(LiveDatabaseResult r, Exception e) {
        r.record("connectivity", CheckResult.failed("Cannot connect to " + target.location() + ": " + firstLine(e)));
    }

    /** The configured key tables (RESTORE_KEY_TABLES), one statement each. */
    public List<String> keyTables() {
        return keyTables;
    }

    /** The name to look up for one key table (PostgreSQL: schema-qualified, {@code public} by default). */
    public String keyTableName(String table) {
        return target.sqlite() || table.contains(".") ? table : "public." + table;
    }

    /** How many tables of the name in header {@code keyTable} exist (0 or 1). */
    public String keyTableQuery() {
        return target.sqlite()
                ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :?keyTable"
                : "SELECT pg_catalog.count(*) FROM (SELECT pg_catalog.to_regclass(:?keyTable) AS r) x WHERE r IS NOT NULL";
    }

    /** A key table found or not, from {@link #keyTableQuery}'s count; kept on the exchange until {@link #keyTablesChecked}. */
    public void keyTableCounted(List<String> missing, String table, Number count) {
        if (count == null || count.intValue() == 0) {
            missing.add(table);
        }
    }

    public void keyTableFailed(List<String> missing, String table, Exception e) {
        missing.add(table + " (" + firstLine(e) + ")");
    }

    /** A fresh list for the key tables not found. */
    public List<String> noneMissing() {
        return new ArrayList<>();
    }

    public void keyTablesChecked(LiveDatabaseResult r, List<String> missing) {
        r.record(
                "key_tables",
                keyTables.isEmpty()
                        ? CheckResult.skipped("No key tables configured (RESTORE_KEY_TABLES)")
                        : missing.isEmpty()
                                ? CheckResult.passed("Key tables present: " + String.join(", ", keyTables))
                                : CheckResult.failed("Key tables missing: " + String.join(", ", missing)));
    }

    /** Whether there is a lock table to inspect (PostgreSQL). */
    public boolean hasLockTable() {
        return !target.sqlite();
    }

    public String blockedLocksQuery() {
        return BLOCKED;
    }

    public void noLockTable(LiveDatabaseResult r) {
        r.record("blocked_locks", CheckResult.skipped("SQLite has no lock table to inspect"));
    }

    public void blockedLocks(LiveDatabaseResult r, List<Map<String, Object>> rows) {
        List<String> blocked = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            blocked.add("pid " + row.get("waiting_pid") + " waits for " + row.get("mode") + " on " + row.get("locked")
                    + ", held by pid " + row.get("blocking_pid") + " (" + row.get("blocking_query") + ")");
        }
        r.record(
                "blocked_locks",
                blocked.isEmpty()
                        ? CheckResult.passed("No blocked locks")
                        : CheckResult.failed("Blocked locks: " + String.join("; ", blocked)));
    }

    public void blockedLocksFailed(LiveDatabaseResult r, Exception e) {
        r.record("blocked_locks", CheckResult.failed("Cannot read pg_locks: " + firstLine(e)));
    }

    /**
     * The consistency queries, run and judged by {@link ConsistencyCheck} on one connection of the
     * same read-only data source: each one statement that reads, in a READ ONLY transaction of its
     * own that is rolled back (PostgreSQL): nothing is ever committed.
     */
    public void consistency(LiveDatabaseResult r) {
        try (Connection c = dataSource.getConnection()) {
            Optional<String> privileged = consistency.isEmpty() ? Optional.empty() : privileged(c);
            if (privileged.isPresent()) {
                r.record(
                        "consistency",
                        CheckResult.error(
                                "Not run: DB_USER " + privileged.get() + "; a query could change the live"
                                        + " database through functions a read-only transaction allows (replication slots,"
                                        + " dblink): give check-db a role that may only read, e.g. one granted pg_read_all_data"));
                return;
            }
            r.record("consistency", ConsistencyCheck.run(c, consistency));
        } catch (SQLException e) {
            r.record("consistency", CheckResult.failed("Consistency checks failed: " + firstLine(e)));
        }
    }

    /**
     * Why DB_USER is too mighty to run the configured queries on the live database, if it is: a
     * superuser or a REPLICATION role can make changes no rollback undoes, and so can a member of
     * one, which a query can become with {@code set_config('role', ...)}. Empty on SQLite.
     */
    private static Optional<String> privileged(Connection c) throws SQLException {
        if (!c.isWrapperFor(PGConnection.class)) {
            return Optional.empty();
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CURRENT_USER::pg_catalog.text, r.rolname::pg_catalog.text,"
                        + " r.rolsuper FROM pg_catalog.pg_roles r WHERE (r.rolsuper OR r.rolreplication)"
                        + " AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'MEMBER')"
                        + " ORDER BY r.rolname OPERATOR(pg_catalog.=) CURRENT_USER DESC, r.rolsuper DESC LIMIT 1")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String user = LogLine.printable(rs.getString(1));
            String role = LogLine.printable(rs.getString(2));
            String what = rs.getBoolean(3) ? "a superuser" : "a role with REPLICATION";
            if (user.equals(role)) {
                return Optional.of(user + (rs.getBoolean(3) ? " is a superuser" : " has REPLICATION"));
            }
            return Optional.of(user + " can become " + role + ", " + what);
        }
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t != null && !(t instanceof SQLException) && t.getCause() != null) {
            t = t.getCause(); // the driver's own message, not a wrapper's
        }
        String m = t == null || t.getMessage() == null ? String.valueOf(t) : t.getMessage();
        return m.lines().findFirst().orElse("");
    }
}
