package io.backupverifier.restore;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.maintenance.Maintained;
import io.backupverifier.scan.ContentInspector;
import io.backupverifier.scan.ContentKind;
import io.backupverifier.sidecar.Metadata;
import io.backupverifier.sidecar.MetadataReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore test of one backup (DESIGN.md section 6): an isolated test database, the
 * restore as a role without superuser, then the restore checks. The backup is only read.
 */
public final class RestoreTester {

    /** The restore checks, in the order they run and are reported. */
    public static final List<String> CHECK_IDS = CheckId.ids(CheckId.Kind.RESTORE);

    /**
     * What a restore test needs to know from the configuration.
     *
     * @param restoreTimeout   the whole test (RESTORE_TIMEOUT)
     * @param statementTimeout one statement of the dump or of a check (RESTORE_STATEMENT_TIMEOUT)
     * @param maxStatement     the longest statement a plain dump may hold, in bytes (RESTORE_MAX_STATEMENT)
     * @param maxExpanded      the most content a gzip backup may inflate to (MAX_EXPANDED_SIZE)
     * @param maxRatio         the most it may inflate per compressed byte (MAX_EXPANSION_RATIO; 0 = no limit)
     * @param reindex          run a separate REINDEX DATABASE after the restore (RESTORE_REINDEX); otherwise the check
     *                         {@code reindex} reports the restore's own index builds
     */
    public record Options(
            String dbName,
            int parallelism,
            Path workDir,
            String pgBinDir,
            int minTables,
            List<String> keyTables,
            boolean keyTablesNotEmpty,
            Map<String, String> consistency,
            Duration restoreTimeout,
            Duration statementTimeout,
            long maxStatement,
            long maxExpanded,
            int maxRatio,
            boolean reindex) {

        public static final Duration DEFAULT_RESTORE_TIMEOUT = Duration.ofHours(6);
        public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofHours(1);

        public Options(
                String dbName,
                int parallelism,
                Path workDir,
                String pgBinDir,
                int minTables,
                List<String> keyTables,
                boolean keyTablesNotEmpty,
                Map<String, String> consistency) {
            this(
                    dbName,
                    parallelism,
                    workDir,
                    pgBinDir,
                    minTables,
                    keyTables,
                    keyTablesNotEmpty,
                    consistency,
                    DEFAULT_RESTORE_TIMEOUT,
                    DEFAULT_STATEMENT_TIMEOUT,
                    DumpParser.DEFAULT_MAX_STATEMENT,
                    Long.MAX_VALUE,
                    1000,
                    false);
        }

        public Options withLimits(Duration restore, Duration statement, long maxStatementBytes) {
            return withTuning(restore, statement, maxStatementBytes, maxExpanded, maxRatio, reindex);
        }

        /** MAX_EXPANDED_SIZE and MAX_EXPANSION_RATIO, as the verification applies them. */
        public Options withExpansionLimits(long maxExpandedBytes, int maxExpansionRatio) {
            return withTuning(
                    restoreTimeout, statementTimeout, maxStatement, maxExpandedBytes, maxExpansionRatio, reindex);
        }

        /** RESTORE_REINDEX: true runs a separate REINDEX DATABASE after the restore. */
        public Options withReindex(boolean separateReindex) {
            return withTuning(restoreTimeout, statementTimeout, maxStatement, maxExpanded, maxRatio, separateReindex);
        }

        public Options withTimeouts(Duration restore, Duration statement) {
            return withLimits(restore, statement, maxStatement);
        }

        /** These options with other limits: the one place that copies the rest. */
        private Options withTuning(
                Duration restore,
                Duration statement,
                long maxStatementBytes,
                long expanded,
                int ratio,
                boolean reindexAfter) {
            return new Options(
                    dbName,
                    parallelism,
                    workDir,
                    pgBinDir,
                    minTables,
                    keyTables,
                    keyTablesNotEmpty,
                    consistency,
                    restore,
                    statement,
                    maxStatementBytes,
                    expanded,
                    ratio,
                    reindexAfter);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RestoreTester.class);

    private final Options options;
    private final BackupContent content;
    private final PostgresRestoreTest postgres;
    private final BackupCatalog catalog;
    private final MetadataReader metadataReader;
    private final Clock clock;
    private final AtomicBoolean orphansRemoved = new AtomicBoolean();
    private volatile RestoreProgress progress = RestoreProgress.NONE;

    /**
     * @param targets      gives the server for one test: a new embedded one, or the shared external one
     * @param sharedTarget true when the target outlives a test (external server): it is not closed after
     */
    public RestoreTester(
            Options options,
            Supplier<RestoreTarget> targets,
            boolean sharedTarget,
            BackupCatalog catalog,
            MetadataReader metadataReader,
            Clock clock) {
        this.options = options;
        this.content = new BackupContent(options.maxExpanded(), options.maxRatio());
        this.postgres = new PostgresRestoreTest(options, targets, sharedTarget, clock);
        this.catalog = catalog;
        this.metadataReader = metadataReader;
        this.clock = clock;
    }

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
        Path file = backup instanceof BackupResult r
                ? r.file()
                : backup instanceof File f ? f.toPath() : backup instanceof Path p ? p : Path.of(backup.toString());
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
            try (InputStream in = content.open(file)) {
                head = in.readNBytes(ContentInspector.SNIFF_BYTES);
            }
            ContentKind kind = ContentInspector.kindOf(head);
            result.kind(kind.format());
            switch (kind) {
                case PLAIN ->
                    postgres(
                            result,
                            file,
                            new PlainDumpContent(
                                    content, options.parallelism(), options.workDir(), options.maxStatement()),
                            keep);
                case CUSTOM ->
                    postgres(
                            result,
                            file,
                            new CustomArchiveRestorer(
                                    options.pgBinDir(),
                                    options.parallelism(),
                                    options.restoreTimeout(),
                                    content,
                                    options.workDir()),
                            keep);
                case SQLITE -> sqlite(result, file);
                case TAR -> {
                    result.record(
                            "restore",
                            CheckResult.skipped("A tar archive is not a database dump: restore tests need a "
                                    + "pg_dump (plain or custom) or SQLite backup"));
                    skipRest(result, "nothing was restored");
                }
                default -> {
                    result.record("restore", CheckResult.failed("Not a restorable backup: " + kind.label()));
                    skipRest(result, "nothing was restored");
                }
            }
        } catch (IOException e) {
            result.record(
                    "restore",
                    environmentFault(e)
                            ? CheckResult.error("Cannot read the backup or write the work directory: " + describe(e))
                            : CheckResult.failed("Cannot read the backup: " + describe(e)));
            skipRest(result, "nothing was restored");
        }
        return result;
    }

    /** An I/O problem of this host (permission, missing file, full disk), not of the backup's content. */
    static boolean environmentFault(IOException e) {
        if (e instanceof FileSystemException) {
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
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("no space left on device")
                || m.contains("disk quota exceeded")
                || m.contains("could not extend file")
                || m.contains("read-only file system")) {
            return true;
        }
        // the test server lacks what the dump needs from its build or installation: restoring
        // elsewhere (TEST_DB_HOST with the dump's own version and extensions) may well succeed
        if (m.contains("compression method") && m.contains("not supported")
                || m.contains("could not open extension control file")
                || m.contains("could not access file \"$libdir/")) {
            return true;
        }
        if (message.contains("ERROR:")) {
            return false; // e.g. "permission denied to create role": what the dump asked for
        }
        return m.contains("permission denied")
                || m.contains("connection refused")
                || m.contains("refused") && m.contains("connection")
                || m.contains("i/o error occurred while sending to the backend")
                || m.contains("the connection attempt failed")
                || m.contains("terminating connection due to administrator command")
                || m.contains("connection to server") && m.contains("failed");
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        return e.getMessage();
    }

    private void sqlite(RestoreResult result, Path file) throws IOException {
        // always a copy: opening the backup itself could change it
        Path copy = content.copy(file, WorkFiles.SQLITE, workDir(), result::contentRead);
        try {
            long t = System.currentTimeMillis();
            result.target("temporary copy");
            new SqliteRestoreTester(
                            options.minTables(),
                            options.keyTables(),
                            options.keyTablesNotEmpty(),
                            options.consistency(),
                            options.statementTimeout())
                    .test(copy, result);
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

    private void postgres(RestoreResult result, Path file, ContentRestorer restorer, boolean keep) {
        String unavailable = restorer.unavailable();
        if (unavailable != null) {
            result.record("restore", CheckResult.skipped(unavailable));
            skipRest(result, "nothing was restored");
            return;
        }
        try {
            workDir();
        } catch (IOException e) {
            result.record(
                    "restore",
                    CheckResult.error("Cannot write the restore work directory " + options.workDir()
                            + " (RESTORE_WORK_DIR): " + describe(e)));
            skipRest(result, "nothing was restored");
            return;
        }
        postgres.run(file, restorer, result, keep, this::removeOrphansOnce);
    }

    /**
     * The first restore test of this process removes what restore tests of dead processes left
     * (a server still running, a test database): at once, not after TEST_DB_RETENTION_DAYS.
     */
    private void removeOrphansOnce(RestoreTarget target) {
        if (orphansRemoved.compareAndSet(false, true)) {
            ExternalTarget external = target instanceof ExternalTarget e ? e : null;
            for (Maintained line :
                    new TestDatabaseCleanup(external, options.workDir(), Integer.MAX_VALUE, clock).removeOrphans()) {
                LOG.info("{}", line);
            }
        }
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
