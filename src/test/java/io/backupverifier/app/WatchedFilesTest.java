package io.backupverifier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.catalog.CatalogSnapshot;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher's polls and the catalog snapshot: a poll that lists the same backups and sidecars
 * as the one before leaves the snapshot as it is (an idle service does not walk 20,000 backups
 * every poll); one that lists a changed sidecar, a new or a missing file has it walked again.
 */
class WatchedFilesTest {

    @TempDir
    Path dir;

    /** One poll of the watcher that lists these files: path -> {size, modified}. */
    private static void poll(WatchedFiles watched, Map<String, long[]> files) {
        watched.begin(null, null);
        files.forEach((path, a) -> watched.saw(path, a[0], a[1]));
        watched.commit(null, null, 0);
    }

    @Test
    void onlyAPollThatListsSomethingElseHasTheCatalogWalkedAgain() {
        Fixtures.backup(dir, "shop.sql.gz", "backup_20251227_120000.gz");
        BackupCatalog catalog = new BackupCatalog(dir, List.of("*.gz"), List.of());
        WatchedFiles watched = new WatchedFiles(catalog);
        Map<String, long[]> listed = new HashMap<>(Map.of(
                "/b/daily/a.gz", new long[] {100, 1_000},
                "/b/daily/a.gz.meta.json", new long[] {200, 1_000},
                "/b/weekly/c.gz", new long[] {300, 2_000}));

        poll(watched, listed);
        CatalogSnapshot first = catalog.current();
        poll(watched, listed);
        poll(watched, new TreeMap<>(listed)); // the same files listed in another order
        assertThat(catalog.current()).as("nothing changed: the same snapshot").isSameAs(first);

        listed.put("/b/daily/a.gz.meta.json", new long[] {200, 1_001}); // a sidecar rewritten
        poll(watched, listed);
        CatalogSnapshot second = catalog.current();
        assertThat(second).isNotSameAs(first);

        listed.remove("/b/weekly/c.gz"); // a backup deleted
        poll(watched, listed);
        assertThat(catalog.current()).isNotSameAs(second);
    }
}
