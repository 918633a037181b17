package io.backupverifier.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One backup as the report shows it: its latest verification (its FAILED checks, and those that
 * could not run) and its last successful restore test (null when there was none).
 */
public record ReportRow(
        Path file,
        String category,
        long sizeBytes,
        Instant backupTime,
        String status,
        Instant lastVerified,
        List<String> failedChecks,
        Instant lastRestoreTest,
        List<String> checksNotRun) {

    /** A row whose checks all ran (none ERROR). */
    public ReportRow(
            Path file,
            String category,
            long sizeBytes,
            Instant backupTime,
            String status,
            Instant lastVerified,
            List<String> failedChecks,
            Instant lastRestoreTest) {
        this(file, category, sizeBytes, backupTime, status, lastVerified, failedChecks, lastRestoreTest, List.of());
    }

    public static final String NOT_VERIFIED = "NOT VERIFIED";

    /** The checks to show beside the backup: FAILED, then those that could not run (as a verification lists them). */
    public List<String> problemChecks() {
        if (checksNotRun.isEmpty()) {
            return failedChecks;
        }
        List<String> all = new ArrayList<>(failedChecks);
        all.addAll(checksNotRun);
        return all;
    }

    public boolean passed() {
        return "PASSED".equals(status) || "WARNING".equals(status);
    }

    public boolean failed() {
        return "FAILED".equals(status) || "ERROR".equals(status);
    }
}
