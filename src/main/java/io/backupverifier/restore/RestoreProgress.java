package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.nio.file.Path;

/** What a restore test is doing, as it happens: a command shows it, the service does not listen. */
public interface RestoreProgress {

    RestoreProgress NONE = new RestoreProgress() {
        @Override
        public void started(Path backup) {}

        @Override
        public void recorded(Path backup, String checkId, CheckResult result) {}
    };

    /** The restore test of {@code backup} begins. */
    void started(Path backup);

    /** A check's verdict, the moment it is recorded (the restore itself is the check {@code restore}). */
    void recorded(Path backup, String checkId, CheckResult result);

    /**
     * How a plain dump's load is going, now and then while it runs (at most every few seconds, and
     * when the last table is in): {@code tablesLoaded} of the {@code tables} whose data the dump has
     * shown so far (the total is known once it has been read to its end), rows loaded, at what rate.
     */
    default void loading(Path backup, long tablesLoaded, long tables, long rows, double rowsPerSecond) {}
}
