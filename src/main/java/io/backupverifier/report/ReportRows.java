package io.backupverifier.report;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.store.ResultsQueries;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The report route's steps: the backups in the directory, and each one's row from the results
 * store. The store answers for all backups at once (two queries, however many backups), not
 * once per backup, so the report and the status page stay fast with thousands of backups.
 */
public final class ReportRows {

    /** The report's order: by category, newest backup first. */
    static final Comparator<ReportRow> ORDER =
            Comparator.comparing(ReportRow::category).thenComparing(ReportRow::backupTime, Comparator.reverseOrder());

    private final BackupCatalog catalog;
    private final ResultsQueries queries;

    public ReportRows(BackupCatalog catalog, ResultsQueries queries) {
        this.catalog = catalog;
        this.queries = queries;
    }

    /** The backups to report on, with what the directory says of them. */
    public List<BackupCatalog.Entry> backups() {
        return catalog.entries();
    }

    /**
     * Every backup's row: its latest verification (FAILED checks by id) and its last successful
     * restore test, or NOT VERIFIED; sorted by category, newest first.
     */
    public List<ReportRow> rows(List<BackupCatalog.Entry> backups) {
        Map<String, ResultsQueries.LatestVerification> latest = queries.latestForReport();
        Map<String, Long> restores = queries.lastSuccessfulRestores();
        List<ReportRow> rows = new ArrayList<>(backups.size());
        for (BackupCatalog.Entry e : backups) {
            String path = e.file().toAbsolutePath().normalize().toString();
            ResultsQueries.LatestVerification v = latest.get(path);
            Long restore = restores.get(path);
            rows.add(new ReportRow(
                    Path.of(path),
                    e.category(),
                    e.size(),
                    e.time(),
                    v == null ? ReportRow.NOT_VERIFIED : v.status(),
                    v == null ? null : Instant.ofEpochMilli(v.verifiedAt()),
                    v == null ? List.of() : List.copyOf(v.failedChecks()),
                    restore == null ? null : Instant.ofEpochMilli(restore)));
        }
        rows.sort(ORDER);
        return rows;
    }
}
