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

    /** "Backup verification" or "Restore test": how output lines name the run. */
    String runName();

    /** FAILED if any check failed, else WARNING if any warned, else PASSED. */
    default CheckStatus status() {
        CheckStatus overall = CheckStatus.PASSED;
        for (CheckResult r : checks().values()) {
            if (r.status() == CheckStatus.FAILED) {
                return CheckStatus.FAILED;
            }
            if (r.status() == CheckStatus.WARNING) {
                overall = CheckStatus.WARNING;
            }
        }
        return overall;
    }

    default boolean isFailed() {
        return status() == CheckStatus.FAILED;
    }

    /** The ids of the checks that failed, in check order. */
    default List<String> failedChecks() {
        return checks().entrySet().stream().filter(e -> e.getValue().status() == CheckStatus.FAILED)
                .map(Map.Entry::getKey).toList();
    }
}
