package io.backupverifier.history;

import io.backupverifier.checks.CheckId;
import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.Check;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.Verification;
import io.backupverifier.scan.Bytes;
import java.util.List;
import java.util.Locale;

/**
 * {@code size_anomaly}: a backup much smaller or larger than the median of the previous
 * backups of its category is suspect (a table went missing, a job dumped the wrong
 * database). Far off: WARNING; below half the median: FAILED. SKIPPED without history.
 */
public final class SizeAnomalyCheck implements Check {

    private final BackupCatalog catalog;
    private final int backups;
    private final double ratio;
    private final java.util.function.Predicate<java.nio.file.Path> knownBroken;

    /** @param knownBroken backups whose latest verification FAILED: their size says nothing of a good backup's */
    public SizeAnomalyCheck(BackupCatalog catalog, int backups, double ratio, java.util.function.Predicate<java.nio.file.Path> knownBroken) {
        this.catalog = catalog;
        this.backups = backups;
        this.ratio = ratio;
        this.knownBroken = knownBroken;
    }

    public SizeAnomalyCheck(BackupCatalog catalog, int backups, double ratio) {
        this(catalog, backups, ratio, p -> false);
    }

    @Override
    public String id() {
        return CheckId.SIZE_ANOMALY.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        long size = v.scan().size();
        List<Long> earlier = catalog.entries().stream()
                .filter(e -> e.category().equals(v.category()) && !e.file().equals(v.file()) && e.time().isBefore(timeOf(v)))
                .filter(e -> !knownBroken.test(e.file()))
                .sorted((a, b) -> b.time().compareTo(a.time())).limit(backups).map(BackupCatalog.Entry::size).sorted().toList();
        if (earlier.isEmpty() || size < 0) {
            return CheckResult.skipped("No earlier good " + v.category() + " backups to compare the size with");
        }
        int n = earlier.size();
        double median = n % 2 == 1 ? earlier.get(n / 2) : (earlier.get(n / 2 - 1) + earlier.get(n / 2)) / 2.0;
        double share = median == 0 ? 1 : size / median;
        String compared = String.format(Locale.ROOT, "%s is %.0f%% of the median %s of the previous %d %s backups",
                Bytes.human(size), share * 100, Bytes.human((long) median), n, v.category());
        if (share < 0.5) {
            return CheckResult.failed("Backup shrank: " + compared);
        }
        if (Math.abs(share - 1) > ratio) {
            return CheckResult.warning("Backup size changed: " + compared);
        }
        return CheckResult.passed("Backup size as usual: " + compared);
    }

    private static java.time.Instant timeOf(Verification v) {
        if (v.metadata().createdAt() != null) {
            return v.metadata().createdAt();
        }
        return v.scan().modified() == null ? java.time.Instant.now() : v.scan().modified();
    }
}
