package io.backupverifier.restore;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.sidecar.Metadata;
import io.backupverifier.sidecar.MetadataReader;
import io.backupverifier.scan.ContentInspector;
import io.backupverifier.scan.ContentKind;
import io.backupverifier.scan.GzipMagic;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * A restore test of one backup (DESIGN.md section 6): an isolated test database, the
 * restore as a role without superuser, then the restore checks. The backup is only read.
 */
public final class RestoreTester {

    /** The restore checks, in the order they run and are reported. */
    public static final List<String> CHECK_IDS = CheckId.ids(CheckId.Kind.RESTORE);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    /**
     * What a restore test needs to know from the configuration.
     *
     * @param restoreTimeout   the whole test (RESTORE_TIMEOUT)
     * @param statementTimeout one statement of the dump or of a check (RESTORE_STATEMENT_TIMEOUT)
     * @param maxStatement     the longest statement a plain dump may hold, in bytes (RESTORE_MAX_STATEMENT)
     * @param maxExpanded      the most content a gzip backup may inflate to (MAX_EXPANDED_SIZE)
     * @param maxRatio         the most it may inflate per compressed byte (MAX_EXPANSION_RATIO; 0 = no limit)
     */
    public record Options(String dbName, int parallelism, Path workDir, String pgBinDir, int minTables,
                          List<String> keyTables, boolean keyTablesNotEmpty, Map<String, String> consistency,
                          Duration restoreTimeout, Duration statementTimeout, long maxStatement, long maxExpanded, int maxRatio) {

        public static final Duration DEFAULT_RESTORE_TIMEOUT = Duration.ofHours(6);
        public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofHours(1);

        public Options(String dbName, int parallelism, Path workDir, String pgBinDir, int minTables, List<String> keyTables,
                       boolean keyTablesNotEmpty, Map<String, String> consistency) {
            this(dbName, parallelism, workDir, pgBinDir, minTables, keyTables, keyTablesNotEmpty, consistency,
                    DEFAULT_RESTORE_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, DumpParser.DEFAULT_MAX_STATEMENT, Long.MAX_VALUE, 1000);
        }

        public Options withLimits(Duration restore, Duration statement, long maxStatementBytes) {
            return new Options(dbName, parallelism, workDir, pgBinDir, minTables, keyTables, keyTablesNotEmpty, consistency,
                    restore, statement, maxStatementBytes, maxExpanded, maxRatio);
        }

        /** MAX_EXPANDED_SIZE and MAX_EXPANSION_RATIO, as the verification applies them. */
        public Options withExpansionLimits(long maxExpandedBytes, int maxExpansionRatio) {
            return new Options(dbName, parallelism, workDir, pgBinDir, minTables, keyTables, keyTablesNotEmpty, consistency,
                    restoreTimeout, statementTimeout, maxStatement, maxExpandedBytes, maxExpansionRatio);
        }

        public Options withTimeouts(Duration restore, Duration statement) {
            return withLimits(restore, statement, maxStatement);
        }
    }

    private final Options options;
    private final Supplier<RestoreTarget> targets;
    private final boolean sharedTarget;
    private final BackupCatalog catalog;
    private final MetadataReader metadataReader;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicBoolean orphansRemoved = new java.util.concurrent.atomic.AtomicBoolean();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestoreTester.class);

    /**
     * @param targets      gives the server for one test: a new embedded one, or the shared external one
     * @param sharedTarget true when the target outlives a test (external server): it is not closed after
     */
    public RestoreTester(Options options, Supplier<RestoreTarget> targets, boolean sharedTarget, BackupCatalog catalog,
                         MetadataReader metadataReader, Clock clock) {
        this.options = options;
        this.targets = targets;
        this.sharedTarget = sharedTarget;
        this.catalog = catalog;
        this.metadataReader = metadataReader;
        this.clock = clock;
    }

    private volatile RestoreProgress progress = RestoreProgress.NONE;

    /** {@code listener} hears of each restore test and check from now on, until the returned handle is closed. */
    public AutoCloseable listen(RestoreProgress listener) {
        progress = listener;
        return () -> progress = RestoreProgress.NONE;
    }

    /** The route's entry: restore-test a backup and drop the test database afterwards. */
    public RestoreResult test(Object backup) {
        return test(backup, false);
    }

    /**
     * The route's entry with the keepTestDatabase header (true keeps the test database: --verify-only). Its own
     * name: with an overload, Camel's bean binding could pick {@code test(Object, boolean)} for a missing header.
     */
    public RestoreResult testFromRoute(Object backup, Object keep) {
        return test(backup, Boolean.TRUE.equals(keep) || "true".equals(String.valueOf(keep)));
    }

    public RestoreResult test(Object backup, boolean keep) {
        Path file = backup instanceof BackupResult r ? r.file() : backup instanceof File f ? f.toPath()
                : backup instanceof Path p ? p : Path.of(backup.toString());
        file = file.toAbsolutePath().normalize();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = -1;
        }
        Metadata metadata = metadataReader.read(file, size);
        RestoreResult result = new RestoreResult(file, catalog.categoryOf(file, metadata), size);
        RestoreProgress listening = progress;
        result.observe(listening, clock);
        listening.started(file);
        try {
            byte[] head;
            try (InputStream in = open(file)) {
                head = in.readNBytes(ContentInspector.SNIFF_BYTES);
            }
            ContentKind kind = ContentInspector.kindOf(head);
            result.kind(kind.format());
            switch (kind) {
                case PLAIN -> postgres(result, file, null, keep);
                case CUSTOM -> custom(result, file, keep);
                case SQLITE -> sqlite(result, file);
                case TAR -> {
                    result.record("restore", CheckResult.skipped("A tar archive is not a database dump: restore tests need a "
                            + "pg_dump (plain or custom) or SQLite backup"));
                    skipRest(result, "nothing was restored");
                }
                default -> {
                    result.record("restore", CheckResult.failed("Not a restorable backup: " + kind.label()));
                    skipRest(result, "nothing was restored");
                }
            }
        } catch (IOException e) {
            result.record("restore", environmentFault(e)
                    ? CheckResult.error("Cannot read the backup or write the work directory: " + describe(e))
                    : CheckResult.failed("Cannot read the backup: " + describe(e)));
            skipRest(result, "nothing was restored");
        }
        return result;
    }

    /** An I/O problem of this host (permission, missing file, full disk), not of the backup's content. */
    static boolean environmentFault(IOException e) {
        if (e instanceof java.nio.file.FileSystemException) {
            return true;
        }
        return environmentFault(e.getMessage());
    }

    /**
     * The same, from an error message (of the restore, which reports text). An error the server
     * gave for one of the dump's statements ({@code ERROR:}) is the dump's, unless the server ran
     * out of disk; otherwise files that cannot be written or read and connections that fail are
     * this host's.
     */
    static boolean environmentFault(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("no space left on device") || m.contains("disk quota exceeded") || m.contains("could not extend file")
                || m.contains("read-only file system")) {
            return true;
        }
        // the test server lacks what the dump needs from its build or installation: restoring
        // elsewhere (TEST_DB_HOST with the dump's own version and extensions) may well succeed
        if (m.contains("compression method") && m.contains("not supported")
                || m.contains("could not open extension control file") || m.contains("could not access file \"$libdir/")) {
            return true;
        }
        if (message.contains("ERROR:")) {
            return false; // e.g. "permission denied to create role": what the dump asked for
        }
        return m.contains("permission denied") || m.contains("connection refused") || m.contains("refused")
                && m.contains("connection") || m.contains("i/o error occurred while sending to the backend")
                || m.contains("the connection attempt failed") || m.contains("terminating connection due to administrator command")
                || m.contains("connection to server") && m.contains("failed");
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        return e.getMessage();
    }

    /** The backup's content: inflated when it is gzip, within MAX_EXPANDED_SIZE and MAX_EXPANSION_RATIO. */
    private InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return GzipMagic.at(b0, b1) ? new ExpansionLimit(new GZIPInputStream(in, 1 << 16), Files.size(file),
                options.maxExpanded(), options.maxRatio()) : in;
    }

    private void custom(RestoreResult result, Path file, boolean keep) throws IOException {
        CustomArchiveRestorer restorer = new CustomArchiveRestorer(options.pgBinDir(), options.parallelism());
        if (restorer.pgRestore().isEmpty()) {
            result.record("restore", CheckResult.skipped("Custom archives are restored with pg_restore, which is not installed: "
                    + "install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or set PG_BIN_DIR"));
            skipRest(result, "nothing was restored");
            return;
        }
        Path archive = file;
        boolean temporary = false;
        try (InputStream raw = Files.newInputStream(file)) {
            if (GzipMagic.at(raw.read(), raw.read())) { // gzip-wrapped archive: pg_restore -j needs a seekable file
                archive = WorkFiles.ARCHIVE.create(workDir());
                temporary = true;
                try (InputStream in = open(file)) {
                    Files.copy(in, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try {
            postgres(result, file, restorer.withArchive(archive), keep);
        } finally {
            if (temporary) {
                Files.deleteIfExists(archive);
            }
        }
    }

    private void sqlite(RestoreResult result, Path file) throws IOException {
        // always a copy: opening the backup itself could change it
        Path copy = WorkFiles.SQLITE.create(workDir());
        try {
            try (InputStream in = open(file)) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            long t = System.currentTimeMillis();
            result.target("temporary copy");
            new SqliteRestoreTester(options.minTables(), options.keyTables(), options.keyTablesNotEmpty(), options.consistency(),
                    options.statementTimeout()).test(copy, result);
            result.timings(System.currentTimeMillis() - t, 0);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** The work directory, proven writable (a temporary file is made and removed). */
    private Path workDir() throws IOException {
        Path dir = Files.createDirectories(options.workDir());
        Files.delete(WorkFiles.PROBE.create(dir));
        return dir;
    }

    private void postgres(RestoreResult result, Path file, CustomArchiveRestorer.Bound custom, boolean keep) {
        RestoreTarget target;
        try {
            workDir();
        } catch (IOException e) {
            result.record("restore", CheckResult.error("Cannot write the restore work directory " + options.workDir()
                    + " (RESTORE_WORK_DIR): " + describe(e)));
            skipRest(result, "nothing was restored");
            return;
        }
        try {
            target = targets.get();
        } catch (RuntimeException e) {
            result.record("restore", CheckResult.error("Cannot start the test server: " + e.getMessage()));
            skipRest(result, "there was no test server");
            return;
        }
        removeOrphansOnce(target);
        TestDatabase db = null;
        RestoreWatchdog watchdog = null;
        AmcheckCheck amcheck = new AmcheckCheck();
        try {
            db = create(target);
            result.target(target.describe() + ", database " + db.database());
            watchdog = new RestoreWatchdog(target::admin, db.database(), options.statementTimeout(), options.restoreTimeout());
            long t0 = System.currentTimeMillis();
            RestoreOutcome outcome;
            if (custom != null) {
                outcome = custom.restore(db, options.restoreTimeout());
            } else {
                try (InputStream dump = open(file)) {
                    outcome = new PlainDumpRestorer(db::connectForRestore, options.parallelism(), workDir(), options.maxStatement())
                            .restore(dump);
                }
            }
            long restored = System.currentTimeMillis();
            result.outcome(outcome);
            if (!outcome.ok()) {
                result.record("restore", restoreFailure(outcome.error(), watchdog));
                skipRest(result, "the restore failed");
                result.timings(restored - t0, 0);
                return;
            }
            String restoredText = String.format("Backup restored successfully in %.1f s into %s%s",
                    (restored - t0) / 1000.0, target.describe(), custom != null ? " (pg_restore)" : describe(outcome));
            // objects only a superuser may create are never restored with more rights: said, not hidden
            result.record("restore", outcome.superuserMessage() != null
                    ? CheckResult.warning(outcome.superuserMessage() + " (" + restoredText + ")") : CheckResult.passed(restoredText));
            for (RestoreCheck check : checks(amcheck)) {
                if (watchdog.expired()) {
                    result.record(check.id(), CheckResult.error("Not run: the restore test ran out of time (RESTORE_TIMEOUT "
                            + RestoreWatchdog.human(watchdog.totalTimeout()) + ")"));
                    continue;
                }
                try {
                    result.record(check.id(), check.run(db));
                } catch (SQLException e) {
                    result.record(check.id(), checkFailure(check.id(), e, watchdog));
                }
            }
            if (!watchdog.expired()) {
                try {
                    result.rowCounts().putAll(rowCounts(db));
                } catch (SQLException e) {
                    // counts are information; the checks above gave the verdict
                }
            }
            result.timings(restored - t0, System.currentTimeMillis() - restored);
        } catch (SQLException e) {
            result.record("restore", CheckResult.error("Cannot create the test database on " + target.describe() + ": "
                    + e.getMessage().lines().findFirst().orElse("")));
            skipRest(result, "there was no test database");
        } catch (IOException e) {
            result.record("restore", environmentFault(e) ? CheckResult.error("Restore could not run: " + describe(e))
                    : CheckResult.failed("Restore failed: " + describe(e)));
            skipRest(result, "the restore failed");
        } finally {
            if (watchdog != null) {
                watchdog.close();
            }
            finish(result, target, db, keep && (watchdog == null || !watchdog.expired()), amcheck);
        }
    }

    /**
     * The first restore test of this process removes what restore tests of dead processes left
     * (a server still running, a test database): at once, not after TEST_DB_RETENTION_DAYS.
     */
    private void removeOrphansOnce(RestoreTarget target) {
        if (orphansRemoved.compareAndSet(false, true)) {
            ExternalTarget external = target instanceof ExternalTarget e ? e : null;
            for (io.backupverifier.maintenance.Maintained line : new TestDatabaseCleanup(external, options.workDir(), Integer.MAX_VALUE, clock).removeOrphans()) {
                LOG.info("{}", line);
            }
        }
    }

    /** Drops the test database, or hands it over (--verify-only) without the tools this program added. */
    private void finish(RestoreResult result, RestoreTarget target, TestDatabase db, boolean keep, AmcheckCheck amcheck) {
        if (keep && db != null) {
            try {
                amcheck.remove(db);
            } catch (SQLException e) {
                // a kept database with amcheck still in bv_amcheck: harmless, said nowhere else
            }
            result.keptDatabase(db);
            TestDatabase kept = db;
            if (sharedTarget && target.keep(db)) {
                return; // an external server keeps it; maintenance drops it after TEST_DB_RETENTION_DAYS
            }
            result.onRelease(() -> {
                target.drop(kept);
                if (!sharedTarget) {
                    target.close();
                }
            });
            return;
        }
        if (db != null) {
            RestoreWatchdog.terminateBackends(target::admin, db.database());
            target.drop(db);
        }
        if (!sharedTarget) {
            target.close();
        }
    }

    /** FAILED when the dump is at fault (with its line), ERROR when this host or the test server is. */
    private static CheckResult restoreFailure(String error, RestoreWatchdog watchdog) {
        if (watchdog.cancelled() != null) {
            return CheckResult.failed("Restore failed: a statement ran longer than RESTORE_STATEMENT_TIMEOUT ("
                    + RestoreWatchdog.human(watchdog.statementTimeout()) + ") and was cancelled: " + error);
        }
        if (watchdog.expired()) {
            return CheckResult.error("Restore did not finish within RESTORE_TIMEOUT (" + RestoreWatchdog.human(watchdog.totalTimeout())
                    + ") and was stopped; the backup's state is unknown: " + error);
        }
        if (environmentFault(error)) {
            return CheckResult.error("Restore could not run (a problem of this host or the test server, not of the backup): "
                    + error);
        }
        return CheckResult.failed("Restore failed: " + error);
    }

    private static CheckResult checkFailure(String id, SQLException e, RestoreWatchdog watchdog) {
        String first = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        boolean stopped = "57014".equals(e.getSQLState()) || "57P01".equals(e.getSQLState()) && !watchdog.expired();
        if (stopped && watchdog.cancelled() != null) {
            return CheckResult.failed(id + " ran longer than RESTORE_STATEMENT_TIMEOUT (" + RestoreWatchdog.human(watchdog.statementTimeout())
                    + ") and was cancelled (in: " + watchdog.cancelled() + ")");
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (watchdog.expired() || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
            return CheckResult.error(id + " could not run (test server): " + first);
        }
        return CheckResult.failed(id + " could not run: " + first);
    }

    private static String describe(RestoreOutcome o) {
        return String.format(": %d statements, %d tables of data (%d rows)%s%s", o.statements(), o.copyBlocks(), o.rows(),
                o.skipped() > 0 ? ", " + o.skipped() + " owner/privilege statements skipped" : "",
                o.cleanErrorMessage() != null ? "; " + o.cleanErrorMessage() : "");
    }

    private TestDatabase create(RestoreTarget target) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            String name = options.dbName().toLowerCase() + "_test_" + LocalDateTime.now(clock).format(STAMP);
            try {
                return target.create(name);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState()) && !"42710".equals(e.getSQLState()) || attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(1000); // another test took this second's name
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private List<RestoreCheck> checks(AmcheckCheck amcheck) {
        return List.of(new TableCountCheck(options.minTables()), new KeyTablesCheck(options.keyTables(), options.keyTablesNotEmpty()),
                DatabaseCommandCheck.reindex(), DatabaseCommandCheck.analyze(), new ReferentialIntegrityCheck(), new ConsistencyCheck(options.consistency()),
                amcheck);
    }

    private static Map<String, Long> rowCounts(TestDatabase db) throws SQLException {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        // as the restore role, search_path pg_catalog, pg_temp: tables only, counted with pg_catalog's count
        try (Connection c = db.connectForChecks(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)"
                    + UserObjects.TABLES + " ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.count(*) FROM " + t)) {
                    rs.next();
                    counts.put(t, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Marks every restore check not yet run as SKIPPED, saying why. */
    static void skipRest(RestoreResult result, String why) {
        for (String id : CHECK_IDS) {
            if (!result.checks().containsKey(id)) {
                result.record(id, CheckResult.skipped("Not run: " + why));
            }
        }
    }
}
