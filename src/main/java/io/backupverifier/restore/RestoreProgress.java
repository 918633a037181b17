package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.nio.file.Path;

/** What a restore test is doing, as it happens: a command shows it, the service does not listen. */
public interface RestoreProgress {

    RestoreProgress NONE = new RestoreProgress() {
        @Override
        public void started(Path backup) {
        }

        @Override
        public void recorded(Path backup, String checkId, CheckResult result) {
        }
    };

    /** The restore test of {@code backup} begins. */
    void started(Path backup);

    /** A check's verdict, the moment it is recorded (the restore itself is the check {@code restore}). */
    void recorded(Path backup, String checkId, CheckResult result);
}
