package io.backupverifier.report;

import io.backupverifier.history.CategoryResult;
import io.backupverifier.scan.Bytes;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The report in the seed's text layout: header, SUMMARY, categories, backups, checks, recommendations. */
public final class TextReport {

    private static final String RULE = "=".repeat(80);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private TextReport() {}

    static String time(Instant t, ZoneId zone) {
        return t == null ? "never" : TIME.format(t.atZone(zone));
    }

    public static String render(Report r, ZoneId zone) {
        StringBuilder s = new StringBuilder();
        section(s, "BACKUP VERIFICATION REPORT");
        s.append("Generated: ").append(time(r.generated(), zone)).append('\n');
        s.append("Backup Directory: ").append(r.backupDir()).append("\n\n");
        section(s, "SUMMARY");
        s.append("Total Backups: ").append(r.total()).append('\n');
        s.append("Verified: ").append(r.verified()).append('\n');
        s.append("Failed: ").append(r.failed()).append('\n');
        if (r.errors() > 0) {
            s.append("Errors (could not be checked): ").append(r.errors()).append('\n');
        }
        if (r.unverified() > 0) {
            s.append("Not Verified Yet: ").append(r.unverified()).append('\n');
        }
        s.append("Pass Rate: ").append(r.passRate()).append("\n\n");
        section(s, "BACKUP CATEGORIES");
        for (CategoryResult c : r.history()) {
            long n = r.table().backupsIn(c.category());
            long failed = r.table().failedIn(c.category());
            s.append(String.format(
                    "%-8s %3d backups, %d failed, %s total%n",
                    c.category() + ":", n, failed, Bytes.human(c.sizeBytes())));
            c.checks()
                    .forEach((id, res) -> s.append(String.format(
                            "         %-10s %-8s %s%n", id, res.status(), LogLine.printable(res.message()))));
        }
        s.append('\n');
        section(s, "BACKUPS");
        s.append(String.format(
                "%-12s %-8s %10s  %-19s  %-19s  %s%n",
                "STATUS", "CATEGORY", "SIZE", "LAST VERIFIED", "LAST RESTORE TEST", "FILE"));
        for (ReportRow row : r.rows()) {
            s.append(String.format(
                    "%-12s %-8s %10s  %-19s  %-19s  %s%s%n",
                    row.status(),
                    row.category(),
                    Bytes.human(row.sizeBytes()),
                    time(row.lastVerified(), zone),
                    time(row.lastRestoreTest(), zone),
                    LogLine.printable(row.file().getFileName().toString()),
                    row.problemChecks().isEmpty() ? "" : "  (" + String.join(", ", row.problemChecks()) + ")"));
        }
        s.append('\n');
        section(s, "CHECKS PERFORMED");
        Report.CHECKS_PERFORMED.forEach(c -> s.append("- ").append(c).append('\n'));
        s.append('\n');
        section(s, "RECOMMENDATIONS");
        r.recommendations().forEach(c -> s.append("- ").append(c).append('\n'));
        return s.toString();
    }

    private static void section(StringBuilder s, String title) {
        s.append(RULE).append('\n').append(title).append('\n').append(RULE).append("\n\n");
    }
}
