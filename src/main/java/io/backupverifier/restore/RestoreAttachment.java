package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.Verification;
import java.util.Map;

/**
 * Puts a restore test's answer into the verification that asked for it: a backup whose
 * sidecar or checksum failed but whose data read cleanly gets a {@code restore} check that
 * says whether the data itself came back. The restore test reads the file again: its verdict
 * counts only for the content the verification hashed (the file may be replaced in between).
 */
public final class RestoreAttachment {

    /** The verify route's enrich strategy: (the verification, the restore test) -> the verification. */
    public Verification attach(Verification v, RestoreResult r) {
        if (r == null) {
            return v;
        }
        String verified = v.scan().sha256();
        String tested = r.contentSha256();
        boolean sameContent = tested != null && tested.equals(verified);
        v.restoreTestedSha256(tested);
        CheckResult restore = r.checks().get(CheckId.RESTORE.id());
        if (restore == null || restore.status() == CheckStatus.SKIPPED) {
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.skipped(
                            "Restore test not possible: " + (restore == null ? "no result" : restore.message())));
        } else if (tested != null && verified != null && !sameContent) {
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.error("Backup changed while it was being tested: the restore test read other content"
                            + " (SHA-256 " + tested.substring(0, 12) + "...) than this verification ("
                            + verified.substring(0, 12) + "...); no verdict on either"));
        } else if (r.status() == CheckStatus.ERROR) {
            Map.Entry<String, CheckResult> first = first(r, CheckStatus.ERROR);
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.error("Restore test could not run (" + first.getKey() + "): "
                            + first.getValue().message()));
        } else if (r.status() == CheckStatus.FAILED) {
            Map.Entry<String, CheckResult> first = first(r, CheckStatus.FAILED);
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.failed("Data NOT restorable (" + first.getKey() + "): "
                            + first.getValue().message()));
        } else if (!sameContent) {
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.error("Restore test passed, but it did not read the whole file: no verdict on the"
                            + " content this verification read"));
        } else if (r.status() == CheckStatus.WARNING) {
            Map.Entry<String, CheckResult> first = first(r, CheckStatus.WARNING);
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.warning("Data restorable despite the failed file checks, with a warning ("
                            + first.getKey() + "): " + first.getValue().message()));
        } else {
            v.record(
                    CheckId.RESTORE.id(),
                    CheckResult.passed("Data restorable despite the failed file checks: all restore checks passed ("
                            + restore.message() + ")"));
        }
        return v;
    }

    /** The first check of the restore test with this status (its checks are recorded in their order). */
    private static Map.Entry<String, CheckResult> first(RestoreResult r, CheckStatus status) {
        return r.checks().entrySet().stream()
                .filter(e -> e.getValue().status() == status)
                .findFirst()
                .orElseThrow();
    }
}
