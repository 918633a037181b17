package io.backupverifier.restore;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.Metadata;
import io.backupverifier.checks.MetadataReader;
import io.backupverifier.scan.ContentInspector;
import io.backupverifier.scan.ContentKind;
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
    public static final List<String> CHECK_IDS = List.of("restore", "table_count", "key_tables", "reindex", "analyze",
            "referential_integrity", "consistency", "amcheck");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    /** What a restore test needs to know from the configuration. */
    public record Options(String dbName, int parallelism, Path workDir, String pgBinDir, int minTables,
                          List<String> keyTables, boolean keyTablesNotEmpty, Map<String, String> consistency) { }

    private final Options options;
    private final Supplier<RestoreTarget> targets;
    private final boolean sharedTarget;
    private final BackupCatalog catalog;
    private final MetadataReader metadataReader;
    private final Clock clock;

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

    /** The route's entry: restore-test a backup and drop the test database afterwards. */
    public RestoreResult test(Object backup) {
        return test(backup, false);
    }

    /** The route's entry with the keepTestDatabase header (true keeps the test database: --verify-only). */
    public RestoreResult test(Object backup, Object keep) {
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
            result.record("restore", CheckResult.failed("Cannot read the backup: " + e.getMessage()));
            skipRest(result, "nothing was restored");
        }
        return result;
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
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
            if (raw.read() == 0x1f) { // gzip-wrapped archive: pg_restore -j needs a seekable file
                archive = Files.createTempFile(workDir(), "archive-", ".dump");
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
        Path copy = Files.createTempFile(workDir(), "sqlite-", ".db");
        try {
            try (InputStream in = open(file)) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            long t = System.currentTimeMillis();
            result.target("temporary copy");
            new SqliteRestoreTester(options.minTables(), options.keyTables(), options.keyTablesNotEmpty(), options.consistency())
                    .test(copy, result);
            result.timings(System.currentTimeMillis() - t, 0);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private Path workDir() throws IOException {
        return Files.createDirectories(options.workDir());
    }

    private void postgres(RestoreResult result, Path file, CustomArchiveRestorer.Bound custom, boolean keep) {
        RestoreTarget target;
        try {
            target = targets.get();
        } catch (RuntimeException e) {
            result.record("restore", CheckResult.failed("Cannot start the test server: " + e.getMessage()));
            skipRest(result, "there was no test server");
            return;
        }
        TestDatabase db = null;
        try {
            db = create(target);
            result.target(target.describe() + ", database " + db.database());
            long t0 = System.currentTimeMillis();
            RestoreOutcome outcome;
            if (custom != null) {
                outcome = custom.restore(db);
            } else {
                try (InputStream dump = open(file)) {
                    outcome = new PlainDumpRestorer(db::connectForRestore, options.parallelism(), workDir()).restore(dump);
                }
            }
            long restored = System.currentTimeMillis();
            result.outcome(outcome);
            if (!outcome.ok()) {
                result.record("restore", CheckResult.failed("Restore failed: " + outcome.error()));
                skipRest(result, "the restore failed");
                result.timings(restored - t0, 0);
                return;
            }
            result.record("restore", CheckResult.passed(String.format("Backup restored successfully in %.1f s into %s%s",
                    (restored - t0) / 1000.0, target.describe(), custom != null ? " (pg_restore)" : describe(outcome))));
            for (RestoreCheck check : checks()) {
                try {
                    result.record(check.id(), check.run(db));
                } catch (SQLException e) {
                    result.record(check.id(), CheckResult.failed(check.id() + " could not run: " + e.getMessage()));
                }
            }
            result.rowCounts().putAll(rowCounts(db));
            result.timings(restored - t0, System.currentTimeMillis() - restored);
        } catch (SQLException e) {
            result.record("restore", CheckResult.failed("Cannot create the test database on " + target.describe() + ": "
                    + e.getMessage().lines().findFirst().orElse("")));
            skipRest(result, "there was no test database");
        } catch (IOException e) {
            result.record("restore", CheckResult.failed("Restore failed: " + e.getMessage()));
            skipRest(result, "the restore failed");
        } finally {
            if (keep && db != null) {
                result.keptDatabase(db);
                TestDatabase kept = db;
                result.onRelease(() -> {
                    target.drop(kept);
                    if (!sharedTarget) {
                        target.close();
                    }
                });
            } else {
                if (db != null) {
                    target.drop(db);
                }
                if (!sharedTarget) {
                    target.close();
                }
            }
        }
    }

    private static String describe(RestoreOutcome o) {
        return String.format(": %d statements, %d tables of data (%d rows)%s", o.statements(), o.copyBlocks(), o.rows(),
                o.skipped() > 0 ? ", " + o.skipped() + " owner/privilege statements skipped" : "");
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

    private List<RestoreCheck> checks() {
        return List.of(new TableCountCheck(options.minTables()), new KeyTablesCheck(options.keyTables(), options.keyTablesNotEmpty()),
                DatabaseCommandCheck.reindex(), DatabaseCommandCheck.analyze(), new ReferentialIntegrityCheck(), new ConsistencyCheck(options.consistency()),
                new AmcheckCheck());
    }

    private static Map<String, Long> rowCounts(TestDatabase db) throws SQLException {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
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
