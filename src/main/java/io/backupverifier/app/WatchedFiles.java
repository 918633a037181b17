package io.backupverifier.app;

import io.backupverifier.catalog.BackupCatalog;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;

/**
 * What the watcher's polls see of the backups and their sidecars. Each poll lists every file
 * anyway (camel-file has no deletion events): the watcher's filter hands each backup and sidecar
 * it sees here ({@link #saw}), with the size and time the listing already read, and when a whole
 * poll saw a different set than the one before (a backup or sidecar added, changed or deleted),
 * the catalog is told ({@link BackupCatalog#changed}) and walks the directory again here, so the
 * status page, /api/backups and the report neither show a deleted backup nor miss a new one, and
 * a request seldom waits for a walk. The poll strategy of the watcher's
 * endpoint: otherwise Camel's default (a failed poll is logged and the next one tries again).
 */
public final class WatchedFiles extends DefaultPollingConsumerPollStrategy {

    private final BackupCatalog catalog;

    /** The thread of the poll in progress: only its files count (another consumer may share the filter). */
    private volatile Thread polling;

    private long sum;
    private long count;
    private boolean known;
    private long lastSum;
    private long lastCount;

    public WatchedFiles(BackupCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        synchronized (this) {
            sum = 0;
            count = 0;
        }
        polling = Thread.currentThread();
        return super.begin(consumer, endpoint);
    }

    /** A backup or sidecar the poll in progress listed: its path, size and modification time. */
    void saw(String path, long length, long modified) {
        if (Thread.currentThread() != polling) {
            return;
        }
        // order-free sum of well-mixed 64-bit values: the same files give the same sum whatever the listing order
        long h = mix(mix(mix(path.hashCode()) ^ length) ^ modified);
        synchronized (this) {
            sum += h;
            count++;
        }
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        polling = null;
        boolean changed;
        synchronized (this) {
            changed = !known || sum != lastSum || count != lastCount;
            known = true;
            lastSum = sum;
            lastCount = count;
        }
        if (changed) {
            catalog.changed();
        }
        try {
            // walked again now, on the watcher's thread, when changed or older than the catalog's bound: a request
            // rarely waits for a walk
            catalog.current();
        } catch (RuntimeException e) {
            // the directory cannot be walked: the request that asks next says why
        }
        super.commit(consumer, endpoint, polledMessages);
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception e) throws Exception {
        polling = null; // a poll cut short saw only some files: nothing to compare
        return super.rollback(consumer, endpoint, retryCounter, e);
    }

    /** SplitMix64's finaliser: every input bit moves about half of the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
