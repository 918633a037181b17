package io.backupverifier.checks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What a verification or a restore test says of one backup: its checks and their verdicts. */
public interface BackupResult {

    Path file();

    /** How output names what was checked: the backup's absolute path. */
    default String location() {
        return file().toAbsolutePath().toString();
    }

    String category();

    long sizeBytes();

    /** The checks in the order they ran. */
    Map<String, CheckResult> checks();

    /** What this is the result of: decisions are made on this, not on display text. */
    ResultKind resultKind();

    /** "Backup verification", "Restore test", ...: how output lines name the run. */
    default String runName() {
        return resultKind().runName();
    }

    /** FAILED if any check failed, else ERROR if any could not run, else WARNING if any warned, else PASSED. */
    default CheckStatus status() {
        CheckStatus overall = CheckStatus.PASSED;
        for (CheckResult r : checks().values()) {
            if (r.status() == CheckStatus.FAILED) {
                return CheckStatus.FAILED;
            }
            if (r.status() == CheckStatus.ERROR || r.status() == CheckStatus.WARNING && overall == CheckStatus.PASSED) {
                overall = r.status();
            }
        }
        return overall;
    }

    /** FAILED or ERROR: the backup alerts and the exit code is 1 (an unknown state fails closed). */
    default boolean isFailed() {
        return status().isProblem();
    }

    /** The ids of the checks that failed or could not run, in check order. */
    default List<String> failedChecks() {
        return checks().entrySet().stream()
                .filter(e -> e.getValue().status().isProblem())
                .map(Map.Entry::getKey)
                .toList();
    }
}
