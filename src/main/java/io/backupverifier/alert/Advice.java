package io.backupverifier.alert;

import io.backupverifier.checks.CheckId;

/** What to do when a check fails: the seed's "Action" advice, per check id (kept in {@link CheckId}). */
public final class Advice {

    private Advice() {}

    /** For a check that could not run (ERROR): the environment, not the backup, needs a look. */
    public static String forError() {
        return "The check could not run: fix the cause named in the message (permissions, test server, disk space), "
                + "then verify again; the backup itself may be fine";
    }

    public static String forCheck(String checkId) {
        CheckId known = CheckId.of(checkId);
        return known != null ? known.advice() : "Check the verification logs";
    }
}
