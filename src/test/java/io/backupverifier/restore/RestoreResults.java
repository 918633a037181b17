package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.nio.file.Path;
import java.util.Map;

/** Restore results as the restore route makes them, for tests of what reads them back (history, list). */
public final class RestoreResults {

    private RestoreResults() {}

    public static RestoreResult passed(
            Path file, String category, long restoreMs, long checksMs, Map<String, Long> rowCounts) {
        RestoreResult r = new RestoreResult(file, category, 1000);
        r.kind("postgresql-plain");
        r.target("embedded");
        long rows = rowCounts.values().stream().mapToLong(Long::longValue).sum();
        r.outcome(new RestoreOutcome(null, 10, rowCounts.size(), rows, 0, restoreMs));
        r.timings(restoreMs, checksMs);
        r.rowCounts().putAll(rowCounts);
        r.record("table_count", CheckResult.passed(rowCounts.size() + " tables"));
        return r;
    }

    /** The result, as a restore test that read all of a file whose SHA-256 is {@code sha256}. */
    public static RestoreResult read(RestoreResult r, String sha256) {
        r.contentRead(sha256);
        return r;
    }
}
