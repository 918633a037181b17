package io.backupverifier.history;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.catalog.CatalogSnapshot;
import io.backupverifier.checks.Check;
import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.Verification;
import io.backupverifier.scan.Bytes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code size_anomaly}: a backup much smaller or larger than the median of the previous
 * backups of its category is suspect (a table went missing, a job dumped the wrong
 * database). Far off: WARNING; below half the median: FAILED. SKIPPED without history.
 *
 * <p>The history comes from the catalog's shared snapshot (one directory walk per run) and
 * which backups are known to be broken from one results-store query per category and
 * snapshot, so a run over N backups costs one walk and a few queries, not N of each.
 */
public final class SizeAnomalyCheck implements Check {

    private final BackupCatalog catalog;
    private final int backups;
    private final double ratio;
    private final Function<String, Set<Path>> failedIn;
    /** What is known broken, for the snapshot in use: per category, and what this run found. */
    private volatile Broken broken;

    /**
     * @param failedIn a category's backups whose latest recorded verification FAILED (their size
     *                 says nothing of a good backup's); one store query, asked once per category and snapshot
     */
    public SizeAnomalyCheck(BackupCatalog catalog, int backups, double ratio, Function<String, Set<Path>> failedIn) {
        this.catalog = catalog;
        this.backups = backups;
        this.ratio = ratio;
        this.failedIn = failedIn;
    }

    public SizeAnomalyCheck(BackupCatalog catalog, int backups, double ratio) {
        this(catalog, backups, ratio, category -> Set.of());
    }

    @Override
    public String id() {
        return CheckId.SIZE_ANOMALY.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        long size = v.scan().size();
        CatalogSnapshot snapshot = catalog.shared(v.file());
        Broken known = brokenFor(snapshot);
        known.learn(v);
        Set<Path> failed = known.in(v.category());
        List<Long> earlier = snapshot
                .earlier(
                        v.category(),
                        timeOf(v),
                        backups,
                        e -> e.file().equals(v.file()) || known.isBroken(e.file(), failed))
                .stream()
                .map(BackupCatalog.Entry::size)
                .sorted()
                .toList();
        if (earlier.isEmpty() || size < 0) {
            return CheckResult.skipped("No earlier good " + v.category() + " backups to compare the size with");
        }
        int n = earlier.size();
        double median = n % 2 == 1 ? earlier.get(n / 2) : (earlier.get(n / 2 - 1) + earlier.get(n / 2)) / 2.0;
        double share = median == 0 ? 1 : size / median;
        String compared = String.format(
                Locale.ROOT,
                "%s is %.0f%% of the median %s of the previous %d %s backups",
                Bytes.human(size),
                share * 100,
                Bytes.human((long) median),
                n,
                v.category());
        if (share < 0.5) {
            return CheckResult.failed("Backup shrank: " + compared);
        }
        if (Math.abs(share - 1) > ratio) {
            return CheckResult.warning("Backup size changed: " + compared);
        }
        return CheckResult.passed("Backup size as usual: " + compared);
    }

    private Broken brokenFor(CatalogSnapshot snapshot) {
        Broken b = broken;
        if (b != null && b.snapshot == snapshot) {
            return b;
        }
        synchronized (this) {
            if (broken == null || broken.snapshot != snapshot) {
                broken = new Broken(snapshot);
            }
            return broken;
        }
    }

    /**
     * Broken backups as the store said when the snapshot was taken, corrected by the
     * verifications of this run: a backup that failed a file check now is broken, one that
     * passed them all now is not.
     */
    private final class Broken {
        final CatalogSnapshot snapshot;
        final Map<String, Set<Path>> stored = new ConcurrentHashMap<>();
        final Set<Path> failedNow = ConcurrentHashMap.newKeySet();
        final Set<Path> passedNow = ConcurrentHashMap.newKeySet();

        Broken(CatalogSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        Set<Path> in(String category) {
            // computeIfAbsent: the parallel verifications of a category wait for one query
            return stored.computeIfAbsent(category, c -> {
                try {
                    return Set.copyOf(failedIn.apply(c));
                } catch (RuntimeException e) {
                    return Set.of(); // the store cannot say: every earlier backup counts, as before it knew
                }
            });
        }

        void learn(Verification v) {
            boolean failedCheck = v.checks().values().stream().anyMatch(r -> r.status() == CheckStatus.FAILED);
            (failedCheck ? failedNow : passedNow).add(v.file());
            (failedCheck ? passedNow : failedNow).remove(v.file());
        }

        boolean isBroken(Path file, Set<Path> failed) {
            return failedNow.contains(file) || (failed.contains(file) && !passedNow.contains(file));
        }
    }

    private static Instant timeOf(Verification v) {
        if (v.metadata().createdAt() != null) {
            return v.metadata().createdAt();
        }
        return v.scan().modified() == null ? Instant.now() : v.scan().modified();
    }
}
