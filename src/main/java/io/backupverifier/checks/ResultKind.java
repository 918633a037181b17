package io.backupverifier.checks;

/**
 * What a result is the result of. Decisions (alert keys, output wording) are made on this,
 * never on display text. The alert-state key prefixes are stored in the results store:
 * they must not change, or existing databases forget which alerts were sent.
 */
public enum ResultKind {
    VERIFY("verify:", "Backup verification", "Verifying backup: "),
    RESTORE("restore:", "Restore test", "Restore test of backup: "),
    LIVE_DB("livedb:", "Database check", "Checking database: "),
    HISTORY("history:", "History check", "Checking backups of category: ");

    private final String keyPrefix;
    private final String runName;
    private final String startLine;

    ResultKind(String keyPrefix, String runName, String startLine) {
        this.keyPrefix = keyPrefix;
        this.runName = runName;
        this.startLine = startLine;
    }

    /** The prefix of this kind's keys in the alert state (bv_alert_state.subject): stored, never to change. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** How output lines name the run: "Backup verification", "Restore test", ... */
    public String runName() {
        return runName;
    }

    /** The first line of a result's output, before what was checked. */
    public String startLine() {
        return startLine;
    }
}
