package io.backupverifier.checks;

/** The verdict of one check (DESIGN.md section 5). */
public enum CheckStatus {
    PASSED, WARNING, FAILED, SKIPPED
}
