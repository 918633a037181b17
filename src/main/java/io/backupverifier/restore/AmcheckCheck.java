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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
 * <p>Installed only after the restore (so the test database is the backup's), by the admin,
 * into a schema of this program's own ({@code bv_amcheck}) when the dump did not bring amcheck
 * itself; the restore role gets EXECUTE on {@code bt_index_check} and runs the check, with an
 * search_path pg_catalog, pg_temp and the function schema-qualified: nothing of the dump ever runs as the
 * admin, and nothing it defined can stand in for amcheck. {@link #remove} takes it out again
 * before a kept database is handed to a user.
 */
public final class AmcheckCheck implements RestoreCheck {

    static final String SCHEMA = "bv_amcheck";

    /** Indexes of the dump: whether amcheck can verify each (btree leaf, valid, not temporary). */
    private static final String INDEXES = "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.oid,"
            + " (c.relkind OPERATOR(pg_catalog.=) 'i' AND am.amname OPERATOR(pg_catalog.=) 'btree' AND i.indisvalid"
            + " AND c.relpersistence OPERATOR(pg_catalog.<>) 't')"
            + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
            + " JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) c.relam"
            + UserObjects.SCHEMA_OF_C
            + " WHERE " + UserObjects.USER_SCHEMA
            + " ORDER BY 1";

    private final int parallelism;
    private String installed;

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

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        String schema = existingSchema(db);
        if (schema == null) {
            try {
                schema = install(db);
            } catch (SQLException e) {
                return CheckResult.skipped(
                        "amcheck extension not available on the test server (needs the contrib package "
                                + "and an admin allowed to CREATE EXTENSION): "
                                + e.getMessage().lines().findFirst().orElse(""));
            }
        } else {
            grant(db, schema);
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
        Map<String, String> found = new ConcurrentSkipListMap<>(); // index -> amcheck's error, by name
        int workers = Math.min(parallelism, inScope.size());
        if (workers > 0) {
            String sql = "SELECT " + TestDatabases.ident(schema)
                    + ".bt_index_check(index => ?::pg_catalog.oid::pg_catalog.regclass, heapallindexed => true)";
            Queue<Index> queue = new ConcurrentLinkedQueue<>(inScope);
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
        return CheckResult.passed(
                "amcheck: " + verified + " btree indexes verified (heapallindexed), " + outOfScope + " out of scope");
    }

    private record Index(String name, long oid, boolean checkable) {}

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
    private String install(TestDatabase db) throws SQLException {
        try (Connection c = db.connectAdmin();
                Statement s = c.createStatement()) {
            String schema = SCHEMA;
            try (PreparedStatement taken = c.prepareStatement(
                    "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) ?")) {
                taken.setString(1, schema);
                try (ResultSet rs = taken.executeQuery()) {
                    if (rs.next()) { // the dump has a schema of that name: ours gets another
                        byte[] b = new byte[4];
                        new SecureRandom().nextBytes(b);
                        schema = SCHEMA + "_" + HexFormat.of().formatHex(b);
                    }
                }
            }
            s.execute("CREATE SCHEMA " + TestDatabases.ident(schema) + " AUTHORIZATION CURRENT_USER");
            installed = schema;
            s.execute("CREATE EXTENSION amcheck SCHEMA " + TestDatabases.ident(schema));
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
    public void remove(TestDatabase db) throws SQLException {
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
