package io.backupverifier.restore;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.ResultKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The outcome of a restore test of one backup: the restore checks, row counts and timings. */
public final class RestoreResult implements BackupResult {

    private final Path file;
    private final String category;
    private final long sizeBytes;
    private final Map<String, CheckResult> checks = new LinkedHashMap<>();
    private final Map<String, Long> rowCounts = new LinkedHashMap<>();
    private String kind = "unknown";
    private String target = "";
    private TestDatabase keptDatabase;
    private long restoreMillis;
    private long checksMillis;
    private RestoreOutcome outcome;
    private Runnable release = () -> {};
    private final Map<String, Instant> recordedAt = new HashMap<>();
    private volatile RestoreProgress progress = RestoreProgress.NONE;
    private volatile Clock clock = Clock.systemUTC();
    private Instant startedAt = Instant.now();
    private volatile String contentSha256;

    public RestoreResult(Path file, String category, long sizeBytes) {
        this.file = file;
        this.category = category;
        this.sizeBytes = sizeBytes;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public String category() {
        return category;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public synchronized Map<String, CheckResult> checks() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    @Override
    public ResultKind resultKind() {
        return ResultKind.RESTORE;
    }

    public void record(String id, CheckResult r) {
        synchronized (this) {
            checks.put(id, r);
            recordedAt.put(id, Instant.now(clock));
        }
        progress.recorded(file, id, r); // outside the lock: a listener prints
    }

    /** Who hears of each check as it is recorded, and the clock its time is taken from (the restore log's time of each step). */
    void observe(RestoreProgress progress, Clock clock) {
        this.progress = progress;
        this.clock = clock;
        this.startedAt = Instant.now(clock);
    }

    /** How the load is going (a plain dump's), for who listens. */
    void loading(long tablesLoaded, long tables, long rows, double rowsPerSecond) {
        progress.loading(file, tablesLoaded, tables, rows, rowsPerSecond);
    }

    /** When the restore test began. */
    public Instant startedAt() {
        return startedAt;
    }

    /** When the check {@code id} was recorded; null for a check not recorded. */
    public synchronized Instant recordedAt(String id) {
        return recordedAt.get(id);
    }

    public Map<String, Long> rowCounts() {
        return rowCounts;
    }

    public String kind() {
        return kind;
    }

    void kind(String kind) {
        this.kind = kind;
    }

    public String target() {
        return target;
    }

    void target(String target) {
        this.target = target;
    }

    /** The test database, when it was kept on purpose (--verify-only). */
    public TestDatabase keptDatabase() {
        return keptDatabase;
    }

    void keptDatabase(TestDatabase db) {
        this.keptDatabase = db;
    }

    /** Drops a kept test database (and stops its embedded server). */
    public void release() {
        release.run();
        release = () -> {};
    }

    void onRelease(Runnable r) {
        this.release = r;
    }

    public long restoreMillis() {
        return restoreMillis;
    }

    public long checksMillis() {
        return checksMillis;
    }

    void timings(long restore, long checks) {
        this.restoreMillis = restore;
        this.checksMillis = checks;
    }

    public RestoreOutcome outcome() {
        return outcome;
    }

    void outcome(RestoreOutcome o) {
        this.outcome = o;
    }

    /**
     * The SHA-256 (hex) of the backup file as this test read it, when it read all of it: the content
     * its verdict is about. Null when the test stopped before the end of the file or read nothing.
     */
    public String contentSha256() {
        return contentSha256;
    }

    void contentRead(String sha256) {
        this.contentSha256 = sha256;
    }
}
