package io.backupverifier.run;

import io.backupverifier.checks.BackupResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells whoever listens that one backup of a run is done, as soon as it is (the run routes call
 * {@link #done} per backup): a command prints each verdict when it is known, not at the end.
 * Nobody listens in the service.
 */
public final class BackupDone {

    private final List<Consumer<BackupResult>> listeners = new CopyOnWriteArrayList<>();

    /** Calls {@code listener} with each backup done from now on, until the returned handle is closed. */
    public AutoCloseable listen(Consumer<BackupResult> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** A backup's result, from the run route's split; anything else (a backup that gave none) is told at the end. */
    public void done(Object result) {
        if (result instanceof BackupResult r) {
            for (Consumer<BackupResult> l : listeners) {
                l.accept(r);
            }
        }
    }
}
