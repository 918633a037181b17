package io.backupverifier.report;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.catalog.CatalogSnapshot;
import io.backupverifier.store.ResultsQueries;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The report route's step: the backups in the directory, and each one's row from the results
 * store. The store answers for all backups at once (two queries, however many backups), not
 * once per backup. The rows are kept ({@link #current}) until the backups or the results
 * change, so the status page and {@code /api/backups} do not rebuild 20,000 rows per request.
 */
public final class ReportRows {

    /** The report's order: by category, newest backup first. */
    static final Comparator<ReportRow> ORDER =
            Comparator.comparing(ReportRow::category).thenComparing(ReportRow::backupTime, Comparator.reverseOrder());

    private final BackupCatalog catalog;
    private final ResultsQueries queries;

    /** The rows last made, and what they were made from. */
    private record Made(CatalogSnapshot snapshot, ResultsQueries.Stamp stamp, ReportTable table) {}

    private volatile Made made;

    public ReportRows(BackupCatalog catalog, ResultsQueries queries) {
        this.catalog = catalog;
        this.queries = queries;
    }

    /** The backups to report on, with what the directory says of them: a new walk. */
    public List<BackupCatalog.Entry> backups() {
        return catalog.entries();
    }

    /**
     * Every backup's row, as {@link #rows} makes them, over the catalog's shared snapshot (walked
     * again only when the watcher saw the directory change, see {@link BackupCatalog#current}).
     * Made again only when that snapshot or the store changed ({@link ResultsQueries#stamp}: one
     * small query per call, which also sees results written by another process or node).
     */
    public ReportTable current() {
        CatalogSnapshot snapshot = catalog.current();
        // asked before the rows: a result written meanwhile makes the next call build them again
        ResultsQueries.Stamp stamp = queries.stamp();
        Made m = made;
        if (m != null && m.snapshot() == snapshot && m.stamp().equals(stamp)) {
            return m.table();
        }
        synchronized (this) { // concurrent requests wait for one build
            m = made;
            if (m == null || m.snapshot() != snapshot || !m.stamp().equals(stamp)) {
                m = new Made(snapshot, stamp, new ReportTable(rows(snapshot.entries())));
                made = m;
            }
            return m.table();
        }
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
                    restore == null ? null : Instant.ofEpochMilli(restore),
                    v == null ? List.of() : List.copyOf(v.checksNotRun())));
        }
        rows.sort(ORDER);
        return rows;
    }
}
