package io.backupverifier.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The backup directory as one walk found it: every backup with its category, time and size,
 * each sidecar parsed once. Immutable, so every verification of a run may read it at once.
 */
public final class CatalogSnapshot {

    private static final Comparator<BackupCatalog.Entry> NEWEST_FIRST =
            Comparator.comparing(BackupCatalog.Entry::time).reversed().thenComparing(BackupCatalog.Entry::file);

    private final long takenNanos;
    private final Set<Path> listed;
    private final List<BackupCatalog.Entry> entries;
    private final Map<String, List<BackupCatalog.Entry>> newestFirst;

    /**
     * @param listed  every backup the walk found, also those whose size or sidecar could not be read
     * @param entries the backups with what the history checks need
     */
    CatalogSnapshot(long takenNanos, Set<Path> listed, List<BackupCatalog.Entry> entries) {
        this.takenNanos = takenNanos;
        this.listed = Set.copyOf(listed);
        this.entries = List.copyOf(entries);
        Map<String, List<BackupCatalog.Entry>> by = new HashMap<>();
        for (BackupCatalog.Entry e : entries) {
            by.computeIfAbsent(e.category(), c -> new ArrayList<>()).add(e);
        }
        by.replaceAll((c, list) -> {
            list.sort(NEWEST_FIRST);
            return List.copyOf(list);
        });
        this.newestFirst = Map.copyOf(by);
    }

    /** {@link System#nanoTime()} when the walk began. */
    long takenNanos() {
        return takenNanos;
    }

    /** Whether the walk found this backup (an absolute, normalised path). */
    public boolean knows(Path file) {
        return listed.contains(file);
    }

    public List<BackupCatalog.Entry> entries() {
        return entries;
    }

    /**
     * Up to {@code limit} backups of {@code category} made before {@code before}, newest first,
     * without those {@code skip} refuses: a binary search, then only as many as are taken.
     */
    public List<BackupCatalog.Entry> earlier(
            String category, Instant before, int limit, Predicate<BackupCatalog.Entry> skip) {
        List<BackupCatalog.Entry> all = newestFirst.getOrDefault(category, List.of());
        int lo = 0;
        int hi = all.size();
        while (lo < hi) { // first entry older than `before`
            int mid = (lo + hi) >>> 1;
            if (all.get(mid).time().isBefore(before)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        List<BackupCatalog.Entry> out = new ArrayList<>();
        for (int i = lo; i < all.size() && out.size() < limit; i++) {
            if (!skip.test(all.get(i))) {
                out.add(all.get(i));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
