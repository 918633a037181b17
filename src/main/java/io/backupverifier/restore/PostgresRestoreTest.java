package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A restore test into PostgreSQL, whatever the content's kind: a test database leased on the
 * target, the restore by the kind's {@link ContentRestorer} under a {@link RestoreWatchdog}, the
 * restore checks and the row counts side by side (recorded in the checks' order), then the
 * database dropped (or handed over).
 */
final class PostgresRestoreTest {

    private final RestoreTester.Options options;
    private final Supplier<RestoreTarget> targets;
    private final boolean sharedTarget;
    private final Clock clock;

    PostgresRestoreTest(
            RestoreTester.Options options, Supplier<RestoreTarget> targets, boolean sharedTarget, Clock clock) {
        this.options = options;
        this.targets = targets;
        this.sharedTarget = sharedTarget;
        this.clock = clock;
    }

    /** A target for one test (a new embedded server, or the shared external one); the first one sees {@code firstTarget}. */
    void run(
            Path file,
            ContentRestorer restorer,
            RestoreResult result,
            boolean keep,
            Consumer<RestoreTarget> firstTarget) {
        RestoreTarget target;
        try {
            target = targets.get();
        } catch (RuntimeException e) {
            result.record("restore", CheckResult.error("Cannot start the test server: " + e.getMessage()));
            RestoreTester.skipRest(result, "there was no test server");
            return;
        }
        firstTarget.accept(target);
        TestDatabaseLease lease;
        try {
            lease = TestDatabaseLease.take(target, sharedTarget, options.dbName(), clock);
        } catch (SQLException e) {
            result.record(
                    "restore",
                    CheckResult.error("Cannot create the test database on " + target.describe() + ": "
                            + e.getMessage().lines().findFirst().orElse("")));
            RestoreTester.skipRest(result, "there was no test database");
            return;
        }
        TestDatabase db = lease.db();
        result.target(target.describe() + ", database " + db.database());
        AmcheckCheck amcheck = new AmcheckCheck(options.parallelism());
        boolean handOver = false;
        try (lease;
                RestoreWatchdog watchdog = new RestoreWatchdog(
                        target::admin, db.database(), options.statementTimeout(), options.restoreTimeout())) {
            // a database handed over gets amcheck only after the restore: during it, the dump could make objects of
            // its own depend on ours, which then could not be taken out
            test(file, restorer, result, db, target, watchdog, amcheck, keep ? null : amcheck.duringRestore(db));
            handOver = keep && !watchdog.expired();
            if (handOver) {
                try {
                    amcheck.remove(db);
                } catch (SQLException e) {
                    // a kept database with amcheck still in bv_amcheck: harmless, said nowhere else
                }
                lease.handOver(result);
            }
        }
    }

    private void test(
            Path file,
            ContentRestorer restorer,
            RestoreResult result,
            TestDatabase db,
            RestoreTarget target,
            RestoreWatchdog watchdog,
            AmcheckCheck amcheck,
            PlainDumpRestorer.IndexCheck duringRestore) {
        long t0 = System.currentTimeMillis();
        RestoreOutcome outcome;
        try {
            outcome = restorer.restore(file, db, result, duringRestore);
        } catch (IOException e) {
            result.record(
                    "restore",
                    RestoreTester.environmentFault(e)
                            ? CheckResult.error("Restore could not run: " + RestoreTester.describe(e))
                            : CheckResult.failed("Restore failed: " + RestoreTester.describe(e)));
            RestoreTester.skipRest(result, "the restore failed");
            return;
        }
        long restored = System.currentTimeMillis();
        result.outcome(outcome);
        if (!outcome.ok()) {
            result.record("restore", restoreFailure(outcome.error(), watchdog));
            RestoreTester.skipRest(result, "the restore failed");
            result.timings(restored - t0, 0);
            return;
        }
        String restoredText = String.format(
                "Backup restored successfully in %.1f s into %s%s",
                (restored - t0) / 1000.0, target.describe(), restorer.describe(outcome));
        // objects only a superuser may create are never restored with more rights: said, not hidden
        result.record(
                "restore",
                outcome.superuserMessage() != null
                        ? CheckResult.warning(outcome.superuserMessage() + " (" + restoredText + ")")
                        : CheckResult.passed(restoredText));
        // the checks only read the restored database: they run at once, each on connections of its own, so
        // that one check's wait (an index's heap scan) is another's turn on the cores; recorded in their order
        List<RestoreCheck> checks = checks(amcheck, outcome.loaded());
        ExecutorService pool = Executors.newFixedThreadPool(checks.size() + 1, r -> {
            Thread t = new Thread(r, "bv-check");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Map<String, Long>> counts = pool.submit(() -> rowCounts(db, outcome.loaded()));
            List<Future<CheckResult>> results = new ArrayList<>();
            for (RestoreCheck check : checks) {
                results.add(pool.submit(() -> run(check, db, watchdog)));
            }
            for (int i = 0; i < checks.size(); i++) {
                result.record(
                        checks.get(i).id(),
                        outcomeOf(results.get(i), checks.get(i).id()));
            }
            try {
                Map<String, Long> rows = counts.get();
                if (!watchdog.expired()) {
                    result.rowCounts().putAll(rows);
                }
            } catch (ExecutionException e) {
                // counts are information; the checks above gave the verdict
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            pool.shutdownNow();
        }
        result.timings(restored - t0, System.currentTimeMillis() - restored);
    }

    private static CheckResult run(RestoreCheck check, TestDatabase db, RestoreWatchdog watchdog) {
        if (watchdog.expired()) {
            return CheckResult.error("Not run: the restore test ran out of time (RESTORE_TIMEOUT "
                    + RestoreWatchdog.human(watchdog.totalTimeout()) + ")");
        }
        try {
            return check.run(db);
        } catch (SQLException e) {
            return checkFailure(check.id(), e, watchdog);
        }
    }

    /** A check's result; one that threw (a bug, not a verdict on the backup) is an ERROR that says so. */
    private static CheckResult outcomeOf(Future<CheckResult> f, String id) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return CheckResult.error(id + " could not run: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.error(id + " could not run: interrupted");
        }
    }

    private List<RestoreCheck> checks(AmcheckCheck amcheck, RestoreOutcome.Loaded loaded) {
        return List.of(
                new TableCountCheck(options.minTables()),
                new KeyTablesCheck(options.keyTables(), options.keyTablesNotEmpty()),
                options.reindex() ? DatabaseCommandCheck.reindex() : new IndexBuildsCheck(loaded),
                new AnalyzeCheck(loaded),
                new ReferentialIntegrityCheck(),
                new ConsistencyCheck(options.consistency()),
                amcheck);
    }

    /** FAILED when the dump is at fault (with its line), ERROR when this host or the test server is. */
    private static CheckResult restoreFailure(String error, RestoreWatchdog watchdog) {
        if (watchdog.cancelledRestoreStatement() != null) {
            return CheckResult.failed("Restore failed: a statement ran longer than RESTORE_STATEMENT_TIMEOUT ("
                    + RestoreWatchdog.human(watchdog.statementTimeout()) + ") and was cancelled: " + error);
        }
        if (watchdog.expired()) {
            return CheckResult.error(
                    "Restore did not finish within RESTORE_TIMEOUT (" + RestoreWatchdog.human(watchdog.totalTimeout())
                            + ") and was stopped; the backup's state is unknown: " + error);
        }
        if (RestoreTester.environmentFault(error)) {
            return CheckResult.error(
                    "Restore could not run (a problem of this host or the test server, not of the backup): " + error);
        }
        return CheckResult.failed("Restore failed: " + error);
    }

    private static CheckResult checkFailure(String id, SQLException e, RestoreWatchdog watchdog) {
        String first = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("");
        boolean stopped = "57014".equals(e.getSQLState()) || "57P01".equals(e.getSQLState()) && !watchdog.expired();
        if (stopped && watchdog.cancelled() != null) {
            return CheckResult.failed(id + " ran longer than RESTORE_STATEMENT_TIMEOUT ("
                    + RestoreWatchdog.human(watchdog.statementTimeout()) + ") and was cancelled (in: "
                    + watchdog.cancelled() + ")");
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (watchdog.expired() || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
            return CheckResult.error(id + " could not run (test server): " + first);
        }
        return CheckResult.failed(id + " could not run: " + first);
    }

    /**
     * Rows per table: a table filled only by COPY blocks of this restore has the sum of their own
     * counts; any other (partitioned or with inheritance children, filled otherwise, or after a
     * statement that may have changed rows) is counted, as the restore role with search_path
     * pg_catalog, pg_temp and pg_catalog's count.
     */
    private static Map<String, Long> rowCounts(TestDatabase db, RestoreOutcome.Loaded loaded) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<Long, Long> copied = loaded.copyRows() == null ? Map.of() : loaded.copyRows();
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement()) {
            List<String> toCount = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), c.oid,"
                    + " c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relhassubclass" + UserObjects.TABLES
                    + " ORDER BY 1")) {
                while (rs.next()) {
                    Long rows = rs.getBoolean(3) ? copied.get(rs.getLong(2)) : null;
                    counts.put(rs.getString(1), rows);
                    if (rows == null) {
                        toCount.add(rs.getString(1));
                    }
                }
            }
            for (String t : toCount) {
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.count(*) FROM " + t)) {
                    rs.next();
                    counts.put(t, rs.getLong(1));
                }
            }
        }
        return counts;
    }
}
