package io.backupverifier.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.history.CategoryResult;
import java.time.Instant;
import java.util.List;

/** The report as JSON, for dashboards and scripts. */
public final class JsonReport {

    /** This program's version, as every JSON document of it says (DESIGN.md section 7). */
    public static final String VERSION = "0.1.0";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    /** A request the report cannot answer (a bad page), as every JSON document of this program says an error. */
    public static String error(Instant generated, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("generated_at", generated.toString());
        root.putObject("error").put("message", message).put("exit_code", 2);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String render(Report r) {
        return render(r, ReportPage.ALL);
    }

    /** The report with one page of its backups (/api/backups?limit=&offset=); the summary counts them all. */
    public static String render(Report r, ReportPage page) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("generated_at", r.generated().toString());
        root.put("generated", r.generated().toString()); // the name reports had before generated_at
        root.put("backup_dir", r.backupDir().toString());
        ObjectNode summary = root.putObject("summary");
        summary.put("total", r.total());
        summary.put("verified", r.verified());
        summary.put("failed", r.failed());
        summary.put("errors", r.errors());
        summary.put("not_verified", r.unverified());
        summary.put("pass_rate", r.total() == 0 ? 0.0 : Math.round(1000.0 * r.verified() / r.total()) / 10.0);
        ObjectNode categories = root.putObject("categories");
        for (CategoryResult c : r.history()) {
            ObjectNode cat = categories.putObject(c.category());
            cat.put("backups", r.table().backupsIn(c.category()));
            c.checks()
                    .forEach((id, res) ->
                            cat.putObject(id).put("status", res.status().name()).put("message", res.message()));
        }
        List<ReportRow> shown = page.rowsOf(r.table());
        if (!page.all()) {
            root.putObject("page")
                    .put("offset", page.offset())
                    .put("limit", page.limit())
                    .put("total", r.total())
                    .put("returned", shown.size())
                    .put("order", "newest first");
        }
        ArrayNode backups = root.putArray("backups");
        for (ReportRow row : shown) {
            ObjectNode b = backups.addObject();
            b.put("file", row.file().toString());
            b.put("category", row.category());
            b.put("size_bytes", row.sizeBytes());
            b.put("status", row.status());
            b.put(
                    "last_verified",
                    row.lastVerified() == null ? null : row.lastVerified().toString());
            b.putPOJO("failed_checks", row.problemChecks()); // as a verification lists them: ERROR ones too
            b.put(
                    "last_restore_test",
                    row.lastRestoreTest() == null ? null : row.lastRestoreTest().toString());
        }
        root.putPOJO("recommendations", r.recommendations());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
