package io.backupverifier.report;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.store.ResultsStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The report route's steps: each backup's row from the results store, and the rows aggregated. */
public final class ReportRows {

    private final BackupCatalog catalog;
    private final ResultsStore store;

    public ReportRows(BackupCatalog catalog, ResultsStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    /** The backups to report on, with what the directory says of them. */
    public List<BackupCatalog.Entry> backups() {
        return catalog.entries();
    }

    /** One backup's row: the latest verification and restore test recorded for it. */
    public ReportRow rowFor(BackupCatalog.Entry e) {
        String path = e.file().toAbsolutePath().normalize().toString();
        Optional<ResultsStore.Latest> latest = store.latestVerification(path);
        Optional<Long> restore = store.lastSuccessfulRestore(path);
        return new ReportRow(Path.of(path), e.category(), e.size(), e.time(),
                latest.map(ResultsStore.Latest::status).orElse(ReportRow.NOT_VERIFIED),
                latest.map(l -> Instant.ofEpochMilli(l.verifiedAt())).orElse(null),
                latest.map(ResultsStore.Latest::failedChecks).orElse(List.of()),
                restore.map(Instant::ofEpochMilli).orElse(null));
    }

    /** The split's aggregation strategy (Aggregator EIP): rows in, one sorted list out. */
    public List<ReportRow> aggregate(List<ReportRow> rows, ReportRow row) {
        List<ReportRow> all = rows == null ? new ArrayList<>() : new ArrayList<>(rows);
        all.add(row);
        all.sort(Comparator.comparing(ReportRow::category).thenComparing(ReportRow::backupTime, Comparator.reverseOrder()));
        return all;
    }
}
