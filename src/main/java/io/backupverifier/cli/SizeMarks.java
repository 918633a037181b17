package io.backupverifier.cli;

import io.backupverifier.catalog.BackupCatalog;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The mark {@code list} puts on a backup whose size is far from the median of the earlier
 * backups of its category: the rule of the {@code size_anomaly} check (below half the median:
 * shrank; further than SIZE_ANOMALY_RATIO: changed), computed from the directory as it is.
 */
final class SizeMarks {

    private SizeMarks() {}

    /** @param broken backups whose latest verification failed: their size says nothing of a good one's */
    static Map<Path, String> of(List<BackupCatalog.Entry> entries, int backups, double ratio, Set<Path> broken) {
        Map<Path, String> marks = new HashMap<>();
        for (BackupCatalog.Entry e : entries) {
            List<Long> earlier = entries.stream()
                    .filter(o -> o.category().equals(e.category())
                            && !o.file().equals(e.file())
                            && o.time().isBefore(e.time()))
                    .filter(o -> !broken.contains(o.file()))
                    .sorted(Comparator.comparing(BackupCatalog.Entry::time).reversed())
                    .limit(backups)
                    .map(BackupCatalog.Entry::size)
                    .sorted()
                    .toList();
            if (earlier.isEmpty()) {
                continue;
            }
            int n = earlier.size();
            double median = n % 2 == 1 ? earlier.get(n / 2) : (earlier.get(n / 2 - 1) + earlier.get(n / 2)) / 2.0;
            double share = median == 0 ? 1 : e.size() / median;
            String pct = String.format(Locale.ROOT, "%.0f%% of the median", share * 100);
            if (share < 0.5) {
                marks.put(e.file(), "shrank: " + pct);
            } else if (Math.abs(share - 1) > ratio) {
                marks.put(e.file(), "size changed: " + pct);
            }
        }
        return marks;
    }
}
