package io.backupverifier.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.restore.RestoreResult;
import java.util.List;
import java.util.Map;

/** The {@code --json} output of DESIGN.md section 7: exactly its keys, in its order (docs/schema/verify.schema.json). */
public final class JsonResult {

    private JsonResult() {}

    /**
     * Adds the backups, the summary and (with {@code history}) the category checks to a document
     * that already carries its version and time. A restore test also carries its restored rows per
     * table and its durations, as numbers.
     */
    public static void into(
            ObjectNode root, List<? extends BackupResult> verifications, List<? extends BackupResult> history) {
        ArrayNode backups = root.putArray("backups");
        for (BackupResult v : verifications) {
            ObjectNode b = backups.addObject();
            b.put("file", v.location());
            b.put("category", v.category());
            b.put("size_bytes", v.sizeBytes());
            b.put("status", v.status().name());
            ObjectNode checks = b.putObject("checks");
            for (Map.Entry<String, CheckResult> e : v.checks().entrySet()) {
                ObjectNode c = checks.putObject(e.getKey());
                c.put("status", e.getValue().status().name());
                c.put("message", e.getValue().message());
            }
            if (v instanceof RestoreResult r) {
                ObjectNode rows = b.putObject("row_counts");
                r.rowCounts().forEach(rows::put);
                b.put("restore_ms", r.restoreMillis());
                b.put("checks_ms", r.checksMillis());
            }
        }
        ObjectNode summary = root.putObject("summary");
        long failed = verifications.stream()
                .filter(v -> v.status() == CheckStatus.FAILED)
                .count();
        long errors = verifications.stream()
                .filter(v -> v.status() == CheckStatus.ERROR)
                .count();
        long warnings = verifications.stream()
                .filter(v -> v.status() == CheckStatus.WARNING)
                .count();
        summary.put("total", verifications.size());
        summary.put("passed", verifications.size() - failed - errors - warnings);
        summary.put("warnings", warnings);
        summary.put("failed", failed);
        summary.put("errors", errors);
        if (history != null) {
            ObjectNode h = root.putObject("history");
            for (BackupResult c : history) {
                ObjectNode cat = h.putObject(c.category());
                c.checks()
                        .forEach((id, r) -> cat.putObject(id)
                                .put("status", r.status().name())
                                .put("message", r.message()));
            }
        }
    }
}
