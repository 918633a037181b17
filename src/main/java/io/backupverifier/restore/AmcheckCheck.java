package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code amcheck}: every btree leaf index verifies with {@code bt_index_check(index,
 * heapallindexed)}, which also proves each heap tuple is in the index; what amcheck cannot
 * check (partitioned parents, other access methods, invalid or temporary indexes) is counted
 * as out of scope, as pg_amcheck does.
 *
 * <p>A plain restore verifies each loaded table's indexes inside its schedule, while other tables
 * still load ({@link #duringRestore}): those in which nothing of the dump takes part (see
 * TABLE_INDEXES). What it verified there, and no later statement may have changed, is not verified
 * twice. The rest is verified here, after the restore.
 *
 * <p>Installed once the restore has built the first indexes (pg_dump creates its extensions and
 * schemas before the data), by the admin, into a schema of this program's own ({@code
 * bv_amcheck_} and a random suffix, which no dump can name in advance) when the dump did not bring
 * amcheck itself; if the dump then touches amcheck, ours is taken out before its statement runs.
 * The restore role gets EXECUTE on {@code bt_index_check} and runs the check, with search_path
 * pg_catalog, pg_temp and the function schema-qualified: nothing of the dump ever runs as the
 * admin, and nothing it defined can stand in for amcheck. {@link #remove} takes it out again
 * before a kept database is handed to a user.
 */
public final class AmcheckCheck implements RestoreCheck {

    static final String SCHEMA = "bv_amcheck";

    /** Every index (i), its relation (c), access method (am) and schema (n). */
    private static final String FROM_INDEXES =
            " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
                    + " JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) c.relam"
                    + UserObjects.SCHEMA_OF_C;

    /** What amcheck can verify: a btree leaf index, valid, not temporary. */
    private static final String CHECKABLE = "c.relkind OPERATOR(pg_catalog.=) 'i' AND am.amname OPERATOR(pg_catalog.=)"
            + " 'btree' AND i.indisvalid AND c.relpersistence OPERATOR(pg_catalog.<>) 't'";

    /** Indexes of the dump: whether amcheck can verify each. */
    private static final String INDEXES = "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.oid, ("
            + CHECKABLE + ")" + FROM_INDEXES + " WHERE " + UserObjects.USER_SCHEMA + " ORDER BY 1";

    /**
     * Indexes of one table that may be checked during the restore: btree indexes in which nothing of
     * the dump takes part (key columns only, no expression or predicate; every column's type, operator
     * class and collation one initdb made: an OID below 16384, FirstNormalObjectId, so not even an
     * extension the dump installed into pg_catalog). Only the server's code builds and maintains them,
     * so nothing the dump runs later (a function replaced, an index build or a foreign key calling its
     * functions) can make a verified one fail; the others are checked after the restore.
     */
    private static final String TABLE_INDEXES = "SELECT c.oid" + FROM_INDEXES
            + " WHERE i.indrelid OPERATOR(pg_catalog.=) ? AND " + CHECKABLE + " AND " + UserObjects.USER_SCHEMA
            + " AND i.indexprs IS NULL AND i.indpred IS NULL"
            + " AND NOT EXISTS (SELECT FROM pg_catalog.unnest(i.indclass::pg_catalog.oid[]) k(opclass)"
            + " WHERE k.opclass OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid)"
            + " AND NOT EXISTS (SELECT FROM pg_catalog.unnest(i.indcollation::pg_catalog.oid[]) k(coll)"
            + " WHERE k.coll OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid)"
            + " AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a"
            + " WHERE a.attrelid OPERATOR(pg_catalog.=) i.indrelid"
            + " AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])"
            + " AND a.atttypid OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid)"
            + " ORDER BY c.relname";

    private final int parallelism;
    private String installed; // guarded by this
    private String schema; // where bt_index_check is, once ready; guarded by this
    private boolean unavailable; // installing failed during the restore; guarded by this
    private final DuringRestore during = new DuringRestore();

    AmcheckCheck() {
        this(1);
    }

    /** @param parallelism connections the indexes are checked on at once (RESTORE_PARALLELISM) */
    AmcheckCheck(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
    }

    @Override
    public String id() {
        return CheckId.AMCHECK.id();
    }

    /** The check of each index of a loaded table inside a plain restore's schedule, into {@code db}. */
    PlainDumpRestorer.IndexCheck duringRestore(TestDatabase db) {
        during.db = db;
        return during;
    }

    /**
     * The schema of the amcheck the restore role may run: the dump's own, or ours, installed now.
     *
     * @throws SQLException when amcheck cannot be installed
     */
    private synchronized String ready(TestDatabase db) throws SQLException {
        if (schema == null) {
            String existing = existingSchema(db);
            if (existing == null) {
                existing = install(db);
            } else {
                grant(db, existing);
            }
            schema = existing;
        }
        return schema;
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        String schema;
        try {
            schema = ready(db);
            grant(db, schema); // again: whatever the dump did since it was installed, the role may run it
        } catch (SQLException e) {
            return CheckResult.skipped("amcheck extension not available on the test server (needs the contrib package "
                    + "and an admin allowed to CREATE EXTENSION): "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        List<Index> indexes = new ArrayList<>();
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(INDEXES)) {
            while (rs.next()) {
                indexes.add(new Index(rs.getString(1), rs.getLong(2), rs.getBoolean(3)));
            }
        }
        List<Index> inScope = indexes.stream().filter(Index::checkable).toList();
        int outOfScope = indexes.size() - inScope.size();
        Set<Long> verifiedEarly = during.verified();
        List<Index> toCheck =
                inScope.stream().filter(i -> !verifiedEarly.contains(i.oid())).toList();
        Map<String, String> found = new ConcurrentSkipListMap<>(); // index -> amcheck's error, by name
        int workers = Math.min(parallelism, toCheck.size());
        if (workers > 0) {
            String sql = checkSql(schema);
            Queue<Index> queue = new ConcurrentLinkedQueue<>(toCheck);
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "bv-amcheck");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Void>> done = new ArrayList<>();
                for (int i = 0; i < workers; i++) {
                    done.add(pool.submit(() -> {
                        check(db, sql, queue, found);
                        return null;
                    }));
                }
                for (Future<Void> f : done) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        queue.clear();
                        if (e.getCause() instanceof SQLException sqlException) {
                            throw sqlException;
                        }
                        throw new IllegalStateException(e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted while amcheck ran", "57014", e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        int verified = inScope.size() - found.size();
        List<String> corrupt = found.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .toList();
        if (!corrupt.isEmpty()) {
            return CheckResult.failed("Index corruption found by amcheck: " + String.join("; ", corrupt));
        }
        int early = inScope.size() - toCheck.size();
        return CheckResult.passed("amcheck: " + verified + " btree indexes verified (heapallindexed), " + outOfScope
                + " out of scope" + (early > 0 ? "; " + early + " of them while the restore ran" : ""));
    }

    /**
     * The check of each index of a loaded table during a plain restore, on the restore's check
     * connections. An index verified here counts only while no later statement may have changed it
     * (a generation that each {@link #forgetAll} ends); one that failed or could not be checked is
     * simply checked again after the restore, which gives the verdict.
     */
    private final class DuringRestore implements PlainDumpRestorer.IndexCheck {
        private volatile TestDatabase db;
        private final Set<Long> verified = new HashSet<>(); // guarded by this
        private long generation; // guarded by this
        private boolean stopped; // guarded by this

        @Override
        public List<Long> indexesOf(Connection checker, long tableOid) {
            synchronized (this) {
                if (stopped) {
                    return List.of();
                }
            }
            synchronized (AmcheckCheck.this) {
                if (unavailable) {
                    return List.of();
                }
                try {
                    ready(db);
                } catch (SQLException e) {
                    unavailable = true; // said by the check after the restore
                    return List.of();
                }
            }
            List<Long> indexes = new ArrayList<>();
            try (PreparedStatement list = checker.prepareStatement(TABLE_INDEXES)) {
                list.setLong(1, tableOid);
                try (ResultSet rs = list.executeQuery()) {
                    while (rs.next()) {
                        indexes.add(rs.getLong(1));
                    }
                }
            } catch (SQLException e) {
                return List.of(); // checked after the restore
            }
            return indexes;
        }

        @Override
        public void check(Connection checker, long indexOid) {
            long started;
            String sql;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                started = generation;
            }
            synchronized (AmcheckCheck.this) {
                if (schema == null) {
                    return; // taken out meanwhile
                }
                sql = RestoreWatchdog.CHECK_MARK + checkSql(schema);
            }
            try (PreparedStatement check = checker.prepareStatement(sql)) {
                check.setLong(1, indexOid);
                try (ResultSet rs = check.executeQuery()) {
                    rs.next();
                }
            } catch (SQLException e) {
                return; // corrupt, or stopped: checked again after the restore, which says which
            }
            synchronized (this) {
                if (generation == started && !stopped) {
                    verified.add(indexOid);
                }
            }
        }

        @Override
        public synchronized void forgetAll() {
            generation++;
            verified.clear();
        }

        @Override
        public synchronized void stop() {
            forgetAll();
            stopped = true;
        }

        @Override
        public void withdraw() {
            stop();
            synchronized (AmcheckCheck.this) {
                try {
                    remove(db);
                } catch (SQLException e) {
                    // left in place: the dump's statement about amcheck then says what it says
                }
                schema = null;
                unavailable = false;
            }
        }

        synchronized Set<Long> verified() {
            return Set.copyOf(verified);
        }
    }

    private record Index(String name, long oid, boolean checkable) {}

    /** amcheck of one index, given by OID, with the function of amcheck in {@code schema}. */
    private static String checkSql(String schema) {
        return "SELECT " + TestDatabases.ident(schema)
                + ".bt_index_check(index => ?::pg_catalog.oid::pg_catalog.regclass, heapallindexed => true)";
    }

    /** Checks indexes from the queue until it is empty, on a connection of its own as the restore role. */
    private static void check(TestDatabase db, String sql, Queue<Index> queue, Map<String, String> found)
            throws SQLException {
        try (Connection c = db.connectForChecks();
                PreparedStatement check = c.prepareStatement(sql)) {
            for (Index index = queue.poll(); index != null; index = queue.poll()) {
                check.setLong(1, index.oid());
                try (ResultSet rs = check.executeQuery()) {
                    rs.next();
                } catch (SQLException e) {
                    if ("57014".equals(e.getSQLState()) || "57P01".equals(e.getSQLState())) {
                        throw e; // the time limit (or a terminated backend): not a verdict on this index
                    }
                    found.put(index.name(), e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
    }

    /** The schema of an amcheck the test database already has, or null. */
    private static String existingSchema(TestDatabase db) throws SQLException {
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n"
                                + " ON n.oid OPERATOR(pg_catalog.=) e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'amcheck'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** As the admin: a new schema of ours, amcheck in it, and EXECUTE for the restore role. */
    private synchronized String install(TestDatabase db) throws SQLException {
        try (Connection c = db.connectAdmin();
                Statement s = c.createStatement()) {
            // a name no dump can hold or create later: installed while the restore still runs
            byte[] b = new byte[8];
            new SecureRandom().nextBytes(b);
            String schema = SCHEMA + "_" + HexFormat.of().formatHex(b);
            // one transaction: when amcheck cannot be installed, no empty schema of ours is left behind
            c.setAutoCommit(false);
            try {
                s.execute("CREATE SCHEMA " + TestDatabases.ident(schema) + " AUTHORIZATION CURRENT_USER");
                s.execute("CREATE EXTENSION amcheck SCHEMA " + TestDatabases.ident(schema));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            installed = schema;
        }
        grant(db, installed);
        return installed;
    }

    private static void grant(TestDatabase db, String schema) throws SQLException {
        try (Connection c = db.connectAdmin();
                Statement s = c.createStatement()) {
            s.execute("GRANT USAGE ON SCHEMA " + TestDatabases.ident(schema) + " TO " + TestDatabases.ident(db.role()));
            s.execute(
                    "GRANT EXECUTE ON FUNCTION " + TestDatabases.ident(schema) + ".bt_index_check(pg_catalog.regclass, "
                            + "pg_catalog.bool) TO " + TestDatabases.ident(db.role()));
        }
    }

    /** Takes out what {@link #run} installed: the database handed to a user is the backup's. */
    public synchronized void remove(TestDatabase db) throws SQLException {
        if (installed == null) {
            return;
        }
        try (Connection c = db.connectAdmin();
                Statement s = c.createStatement()) {
            s.execute("DROP EXTENSION IF EXISTS amcheck");
            s.execute("DROP SCHEMA IF EXISTS " + TestDatabases.ident(installed));
        }
        installed = null;
    }
}
