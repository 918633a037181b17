package io.backupverifier.livedb;

import io.backupverifier.checks.CheckResult;
import io.backupverifier.restore.ConsistencyCheck;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * check-db: read-only checks on the live database — connectivity, key tables, blocked locks
 * (PostgreSQL) and the consistency queries of the restore test. Everything runs in a
 * read-only transaction (SQLite: a read-only connection), so nothing can be written, whatever
 * a configured query tries.
 */
public final class LiveDatabaseCheck {

    /** How to reach the live database (DATABASE_TYPE, DB_*). */
    public record Target(String type, String host, int port, String user, String password, String name) {
        String location() {
            return type.equals("sqlite") ? "sqlite:" + name : "postgresql://" + user + "@" + host + ":" + port + "/" + name;
        }
    }

    private static final String BLOCKED = """
            SELECT w.pid, coalesce(l.relation::regclass::text, l.locktype), l.mode,
                   b.pid, left(regexp_replace(coalesce(b.query, ''), '\\s+', ' ', 'g'), 120)
              FROM pg_catalog.pg_locks l
              JOIN pg_catalog.pg_stat_activity w ON w.pid = l.pid
              CROSS JOIN LATERAL unnest(pg_catalog.pg_blocking_pids(l.pid)) AS bp(pid)
              JOIN pg_catalog.pg_stat_activity b ON b.pid = bp.pid
             WHERE NOT l.granted
             ORDER BY 1""";

    private final Target target;
    private final List<String> keyTables;
    private final Map<String, String> consistency;

    public LiveDatabaseCheck(Target target, List<String> keyTables, Map<String, String> consistency) {
        this.target = target;
        this.keyTables = keyTables;
        this.consistency = consistency;
    }

    public LiveDatabaseResult run() {
        LiveDatabaseResult r = new LiveDatabaseResult(target.location());
        try (Connection c = connect()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            if (!target.type().equals("sqlite")) {
                try (Statement s = c.createStatement()) {
                    // every transaction of this session is read-only, also after a query fails and is rolled back
                    s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                    // on production: never queue behind the application's locks, never run for long
                    s.execute("SET lock_timeout = '3s'");
                    s.execute("SET statement_timeout = '60s'");
                }
                c.commit();
            }
            r.record("connectivity", CheckResult.passed("Connected to " + target.location() + " (" + version(c) + ")"));
            r.record("key_tables", keyTables(c));
            r.record("blocked_locks", target.type().equals("sqlite")
                    ? CheckResult.skipped("SQLite has no lock table to inspect") : blockedLocks(c));
            r.record("consistency", ConsistencyCheck.run(c, consistency));
            c.rollback(); // nothing was written; nothing is kept
        } catch (SQLException e) {
            r.record("connectivity", CheckResult.failed("Cannot connect to " + target.location() + ": "
                    + e.getMessage().lines().findFirst().orElse("")));
        }
        return r;
    }

    private Connection connect() throws SQLException {
        if (target.type().equals("sqlite")) {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            return DriverManager.getConnection("jdbc:sqlite:" + target.name(), config.toProperties());
        }
        Properties p = new Properties();
        p.setProperty("user", target.user());
        if (!target.password().isEmpty()) {
            p.setProperty("password", target.password());
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("readOnly", "true");
        p.setProperty("ApplicationName", "backup-verifier check-db");
        return DriverManager.getConnection("jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + target.name(), p);
    }

    private String version(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(target.type().equals("sqlite") ? "SELECT 'SQLite ' || sqlite_version()" : "SHOW server_version")) {
            rs.next();
            return (target.type().equals("sqlite") ? "" : "PostgreSQL ") + rs.getString(1);
        }
    }

    private CheckResult keyTables(Connection c) {
        if (keyTables.isEmpty()) {
            return CheckResult.skipped("No key tables configured (RESTORE_KEY_TABLES)");
        }
        List<String> missing = new ArrayList<>();
        for (String t : keyTables) {
            String sql = target.type().equals("sqlite") ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
                    : "SELECT count(*) FROM (SELECT to_regclass(?) AS r) x WHERE r IS NOT NULL";
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, target.type().equals("sqlite") || t.contains(".") ? t : "public." + t);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        missing.add(t);
                    }
                }
            } catch (SQLException e) {
                missing.add(t + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        return missing.isEmpty() ? CheckResult.passed("Key tables present: " + String.join(", ", keyTables))
                : CheckResult.failed("Key tables missing: " + String.join(", ", missing));
    }

    private static CheckResult blockedLocks(Connection c) {
        List<String> blocked = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(BLOCKED)) {
            while (rs.next()) {
                blocked.add("pid " + rs.getInt(1) + " waits for " + rs.getString(3) + " on " + rs.getString(2)
                        + ", held by pid " + rs.getInt(4) + " (" + rs.getString(5) + ")");
            }
        } catch (SQLException e) {
            return CheckResult.failed("Cannot read pg_locks: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return blocked.isEmpty() ? CheckResult.passed("No blocked locks")
                : CheckResult.failed("Blocked locks: " + String.join("; ", blocked));
    }
}
