package io.backupverifier.report;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.history.CategoryChecks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every backup's row, with what each page of the status page and {@code /api/backups} repeats:
 * the totals, the counts per category, the newest-first order of the pages, the failed checks
 * the recommendations name. Made once for a set of rows (once per change of the backups or the
 * results, see {@link ReportRows#current}), so a request only renders its page. Immutable.
 */
public final class ReportTable {

    /** The pages' order: newest backup first, across categories. */
    static final Comparator<ReportRow> NEWEST_FIRST = Comparator.comparing(
                    ReportRow::backupTime, Comparator.reverseOrder())
            .thenComparing(r -> r.file().toString());

    private final List<ReportRow> rows;
    private final List<ReportRow> newestFirst;
    private final long verified;
    private final long failed;
    private final long errors;
    private final long unverified;
    private final boolean anyRestoreTest;
    /** category -> [backups, FAILED or ERROR] */
    private final Map<String, long[]> perCategory = new HashMap<>();

    private final Map<String, CategoryChecks.Totals> totals;
    /** check -> the backups (printable names, in the report's order) whose latest verification it FAILED */
    private final Map<String, List<String>> failedChecks = new TreeMap<>();
    /** check -> the backups whose latest verification was ERROR with it among the failed checks */
    private final Map<String, List<String>> checksNotRun = new TreeMap<>();

    private final Map<String, Object> made = new ConcurrentHashMap<>();

    /** @param rows every backup's row, in the report's order (category, newest first) */
    public ReportTable(List<ReportRow> rows) {
        this.rows = List.copyOf(rows);
        List<ReportRow> sorted = new ArrayList<>(rows);
        sorted.sort(NEWEST_FIRST);
        this.newestFirst = Collections.unmodifiableList(sorted);
        long passed = 0;
        long bad = 0;
        long error = 0;
        long none = 0;
        boolean restored = false;
        List<BackupCatalog.Entry> entries = new ArrayList<>(rows.size());
        for (ReportRow r : rows) {
            passed += r.passed() ? 1 : 0;
            bad += "FAILED".equals(r.status()) ? 1 : 0;
            error += "ERROR".equals(r.status()) ? 1 : 0;
            none += ReportRow.NOT_VERIFIED.equals(r.status()) ? 1 : 0;
            restored |= r.lastRestoreTest() != null;
            long[] c = perCategory.computeIfAbsent(r.category(), k -> new long[2]);
            c[0]++;
            c[1] += r.failed() ? 1 : 0;
            entries.add(new BackupCatalog.Entry(r.file(), r.category(), r.backupTime(), r.sizeBytes()));
            String name = LogLine.printable(r.file().getFileName().toString());
            for (String check : r.failedChecks()) {
                failedChecks.computeIfAbsent(check, k -> new ArrayList<>()).add(name);
            }
            for (String check : r.checksNotRun()) {
                checksNotRun.computeIfAbsent(check, k -> new ArrayList<>()).add(name);
            }
        }
        this.verified = passed;
        this.failed = bad;
        this.errors = error;
        this.unverified = none;
        this.anyRestoreTest = restored;
        this.totals = Map.copyOf(CategoryChecks.totals(entries));
    }

    /** Every row, in the report's order: by category, newest first. */
    public List<ReportRow> rows() {
        return rows;
    }

    /** Every row, newest backup first across categories: the order of the pages. */
    public List<ReportRow> newestFirst() {
        return newestFirst;
    }

    public long total() {
        return rows.size();
    }

    public long verified() {
        return verified;
    }

    public long failed() {
        return failed;
    }

    public long errors() {
        return errors;
    }

    public long unverified() {
        return unverified;
    }

    public boolean anyRestoreTest() {
        return anyRestoreTest;
    }

    /** The backups of a category. */
    public long backupsIn(String category) {
        long[] c = perCategory.get(category);
        return c == null ? 0 : c[0];
    }

    /** The backups of a category whose latest verification FAILED or was ERROR. */
    public long failedIn(String category) {
        long[] c = perCategory.get(category);
        return c == null ? 0 : c[1];
    }

    /** What the category checks (freshness, retention) need, per category. */
    public Map<String, CategoryChecks.Totals> totals() {
        return totals;
    }

    /** check -> the backups that FAILED it, by name, in the report's order. */
    Map<String, List<String>> failedChecks() {
        return failedChecks;
    }

    /** check -> the backups it could not be run on (their verification was ERROR). */
    Map<String, List<String>> checksNotRun() {
        return checksNotRun;
    }

    /** A value made from these rows only once (e.g. the size chart in one time zone). */
    @SuppressWarnings("unchecked")
    <T> T once(String key, Supplier<T> make) {
        return (T) made.computeIfAbsent(key, k -> make.get());
    }
}
