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
import java.util.TreeMap;

/** Everything a report says, computed once; the text, HTML and JSON renderings show the same. */
public record Report(
        Instant generated,
        Path backupDir,
        List<ReportRow> rows,
        List<CategoryResult> history,
        Map<String, long[]> perDay) {

    /** The report's "checks performed" section, from the check registry. */
    public static final List<String> CHECKS_PERFORMED = CheckId.reportList();

    public long total() {
        return rows.size();
    }

    public long verified() {
        return rows.stream().filter(ReportRow::passed).count();
    }

    /** Backups whose latest verification FAILED: the backup is bad. */
    public long failed() {
        return rows.stream().filter(r -> "FAILED".equals(r.status())).count();
    }

    /** Backups whose latest verification was ERROR: a check could not run, the backup's state is unknown. */
    public long errors() {
        return rows.stream().filter(r -> "ERROR".equals(r.status())).count();
    }

    public long unverified() {
        return rows.stream()
                .filter(r -> ReportRow.NOT_VERIFIED.equals(r.status()))
                .count();
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
        Map<String, List<String>> byCheck = new TreeMap<>();
        Map<String, List<String>> couldNotRun = new TreeMap<>();
        for (ReportRow r : rows) {
            for (String check : r.failedChecks()) {
                ("ERROR".equals(r.status()) ? couldNotRun : byCheck)
                        .computeIfAbsent(check, k -> new ArrayList<>())
                        .add(LogLine.printable(r.file().getFileName().toString()));
            }
        }
        byCheck.forEach((check, files) ->
                out.add(check + " failed for " + String.join(", ", files) + ": " + Advice.forCheck(check)));
        couldNotRun.forEach((check, files) ->
                out.add(check + " could not run for " + String.join(", ", files) + ": " + Advice.forError()));
        if (unverified() > 0) {
            out.add(unverified() + " backups not verified yet: run 'backup-verifier verify --all'");
        }
        if (rows.stream().noneMatch(r -> r.lastRestoreTest() != null)) {
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
