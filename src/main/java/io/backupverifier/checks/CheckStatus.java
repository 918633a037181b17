package io.backupverifier.checks;

/**
 * The verdict of one check (DESIGN.md section 5). {@code ERROR}: the check could not run for
 * a reason outside the backup (permission, test server unreachable, our own disk full); the
 * backup's state is unknown, and it alerts like a failure (fail closed).
 */
public enum CheckStatus {
    PASSED,
    WARNING,
    FAILED,
    SKIPPED,
    ERROR;

    /** FAILED or ERROR: what makes a backup alert and the exit code 1. */
    public boolean isProblem() {
        return this == FAILED || this == ERROR;
    }
}
