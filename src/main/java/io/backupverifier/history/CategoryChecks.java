package io.backupverifier.history;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.sidecar.Category;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of a category (DESIGN.md section 5): {@code freshness} — the newest backup is
 * younger than the category's maximum age, FAILED also when there is no backup at all (the
 * silent failure of a backup job that stopped); {@code retention} — at least as many backups
 * as the policy keeps (7 daily, 4 weekly, 12 monthly), a WARNING otherwise. Daily is always
 * checked; weekly and monthly once the directory has backups of them.
 */
public final class CategoryChecks {

    private final BackupCatalog catalog;
    private final Map<String, Duration> maxAge;
    private final Map<String, Integer> keep;
    private final Clock clock;

    public CategoryChecks(BackupCatalog catalog, Map<String, Duration> maxAge, Map<String, Integer> keep, Clock clock) {
        this.catalog = catalog;
        this.maxAge = maxAge;
        this.keep = keep;
        this.clock = clock;
    }

    public List<CategoryResult> evaluate() {
        return forEntries(catalog.entries());
    }

    /** The same over backups already listed (the report's, so it walks the directory once). */
    public List<CategoryResult> forEntries(List<BackupCatalog.Entry> entries) {
        return forTotals(totals(entries));
    }

    /** What the category checks need of a category's backups: how many, their size, the newest. */
    public record Totals(int backups, long sizeBytes, BackupCatalog.Entry newest) {}

    /** Each category's totals, in one pass over the backups. */
    public static Map<String, Totals> totals(Collection<BackupCatalog.Entry> entries) {
        Map<String, Totals> out = new HashMap<>();
        for (BackupCatalog.Entry e : entries) {
            out.merge(
                    e.category(),
                    new Totals(1, e.size(), e),
                    (a, b) -> new Totals(
                            a.backups() + b.backups(),
                            a.sizeBytes() + b.sizeBytes(),
                            b.newest().time().isAfter(a.newest().time()) ? b.newest() : a.newest()));
        }
        return out;
    }

    /**
     * The same from each category's totals: as many steps as there are categories, however many
     * backups (the status page asks on every request).
     */
    public List<CategoryResult> forTotals(Map<String, Totals> totals) {
        List<CategoryResult> out = new ArrayList<>();
        for (Category c : Category.values()) {
            String category = c.id();
            Totals mine = totals.get(category);
            if (mine == null && c != Category.DEFAULT) {
                continue;
            }
            CategoryResult r = new CategoryResult(catalog.backupDir(), category, mine == null ? 0 : mine.sizeBytes());
            r.record(CheckId.FRESHNESS.id(), freshness(category, mine == null ? null : mine.newest()));
            r.record(CheckId.RETENTION.id(), retention(category, mine == null ? 0 : mine.backups()));
            out.add(r);
        }
        return out;
    }

    private CheckResult freshness(String category, BackupCatalog.Entry newest) {
        Duration max = maxAge.get(category);
        if (newest == null) {
            return CheckResult.failed("No " + category + " backup at all in " + catalog.backupDir());
        }
        Duration age = Duration.between(newest.time(), Instant.now(clock));
        String said = "Newest " + category + " backup " + newest.file().getFileName() + " is " + human(age)
                + " old (maximum " + human(max) + ")";
        return age.compareTo(max) > 0 ? CheckResult.failed(said) : CheckResult.passed(said);
    }

    private CheckResult retention(String category, int count) {
        int policy = keep.get(category);
        if (count < policy) {
            return CheckResult.warning(
                    count + " " + category + " backup" + (count == 1 ? "" : "s") + ", the policy keeps " + policy);
        }
        return CheckResult.passed(count + " " + category + " backups (policy keeps " + policy + ")");
    }

    static String human(Duration d) {
        long hours = d.toHours();
        if (hours >= 48) {
            return d.toDays() + " days";
        }
        if (hours >= 1) {
            return hours + " h";
        }
        return Math.max(0, d.toMinutes()) + " min";
    }
}
