package io.backupverifier.report;

import io.backupverifier.alert.Advice;
import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.history.CategoryResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a report says, computed once; the text, HTML and JSON renderings show the same.
 * The rows and their totals are a {@link ReportTable}, which many reports (every request of the
 * status page) may share.
 */
public record Report(
        Instant generated,
        Path backupDir,
        ReportTable table,
        List<CategoryResult> history,
        Map<String, long[]> perDay) {

    /** The report's "checks performed" section, from the check registry. */
    public static final List<String> CHECKS_PERFORMED = CheckId.reportList();

    /** A report over these rows (in the report's order). */
    public Report(
            Instant generated,
            Path backupDir,
            List<ReportRow> rows,
            List<CategoryResult> history,
            Map<String, long[]> perDay) {
        this(generated, backupDir, new ReportTable(rows), history, perDay);
    }

    /** Every backup's row, in the report's order. */
    public List<ReportRow> rows() {
        return table.rows();
    }

    public long total() {
        return table.total();
    }

    public long verified() {
        return table.verified();
    }

    /** Backups whose latest verification FAILED: the backup is bad. */
    public long failed() {
        return table.failed();
    }

    /** Backups whose latest verification was ERROR: a check could not run, the backup's state is unknown. */
    public long errors() {
        return table.errors();
    }

    public long unverified() {
        return table.unverified();
    }

    public String passRate() {
        return total() == 0
                ? "0/0 = n/a"
                : String.format(Locale.ROOT, "%d/%d = %.1f%%", verified(), total(), 100.0 * verified() / total());
    }

    /** What to do, most urgent first; something reassuring when nothing is wrong. */
    public List<String> recommendations() {
        Set<String> out = new LinkedHashSet<>();
        for (CategoryResult c : history) {
            for (Map.Entry<String, CheckResult> e : c.checks().entrySet()) {
                if (e.getValue().status() != CheckStatus.PASSED) {
                    out.add(LogLine.printable(e.getValue().message()) + ": " + Advice.forCheck(e.getKey()));
                }
            }
        }
        table.failedChecks()
                .forEach((check, files) ->
                        out.add(check + " failed for " + String.join(", ", files) + ": " + Advice.forCheck(check)));
        table.checksNotRun()
                .forEach((check, files) ->
                        out.add(check + " could not run for " + String.join(", ", files) + ": " + Advice.forError()));
        if (unverified() > 0) {
            out.add(unverified() + " backups not verified yet: run 'backup-verifier verify --all'");
        }
        if (!table.anyRestoreTest()) {
            out.add(
                    "No backup has passed a restore test yet: run 'backup-verifier restore-test --weekly' (the service does so weekly)");
        }
        if (out.isEmpty()) {
            out.add(
                    "All backups verified and fresh. Keep the weekly restore test running and review this report weekly.");
        }
        return new ArrayList<>(out);
    }
}
