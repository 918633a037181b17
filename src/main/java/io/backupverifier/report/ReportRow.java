package io.backupverifier.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One backup as the report shows it: its latest verification and its last successful restore
 * test (null when there was none).
 */
public record ReportRow(
        Path file,
        String category,
        long sizeBytes,
        Instant backupTime,
        String status,
        Instant lastVerified,
        List<String> failedChecks,
        Instant lastRestoreTest) {

    public static final String NOT_VERIFIED = "NOT VERIFIED";

    public boolean passed() {
        return "PASSED".equals(status) || "WARNING".equals(status);
    }

    public boolean failed() {
        return "FAILED".equals(status) || "ERROR".equals(status);
    }
}
