package io.backupverifier.report;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.ResultKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A verification as the seed's output lines; the terminal and the run log print the same. */
public final class VerificationLines {

    private VerificationLines() {}

    public static List<LogLine> of(BackupResult v) {
        List<LogLine> lines = new ArrayList<>();
        String name = v.resultKind() == ResultKind.LIVE_DB
                ? v.location()
                : v.file().getFileName().toString();
        lines.add(new LogLine(LogLine.INFO, v.resultKind().startLine() + v.location()));
        for (Map.Entry<String, CheckResult> e : v.checks().entrySet()) {
            CheckResult r = e.getValue();
            String message = r.status() == CheckStatus.SKIPPED ? e.getKey() + " skipped: " + r.message() : r.message();
            lines.add(new LogLine(LogLine.levelOf(r.status()), message));
        }
        CheckStatus status = v.status();
        if (status == CheckStatus.FAILED) {
            lines.add(new LogLine(
                    LogLine.ERROR,
                    v.runName() + " FAILED: " + name + " (" + String.join(", ", v.failedChecks()) + ")"));
        } else if (status == CheckStatus.ERROR) {
            lines.add(new LogLine(
                    LogLine.ERROR,
                    v.runName() + " could not complete (ERROR): " + name + " (" + String.join(", ", v.failedChecks())
                            + "): the backup's state is unknown"));
        } else if (status == CheckStatus.WARNING) {
            lines.add(new LogLine(LogLine.WARNING, v.runName() + " completed with warnings: " + name));
        } else {
            lines.add(new LogLine(LogLine.SUCCESS, v.runName() + " completed: " + name));
        }
        return lines;
    }

    /** The closing summary of a run over several backups. */
    public static LogLine summary(List<? extends BackupResult> all) {
        long failed = all.stream().filter(v -> v.status() == CheckStatus.FAILED).count();
        long errors = all.stream().filter(v -> v.status() == CheckStatus.ERROR).count();
        long warnings =
                all.stream().filter(v -> v.status() == CheckStatus.WARNING).count();
        String text = String.format(
                "%s %d backup%s: %d passed, %d with warnings, %d failed%s",
                all.isEmpty() || all.get(0).resultKind() == ResultKind.VERIFY ? "Verified" : "Restore-tested",
                all.size(),
                all.size() == 1 ? "" : "s",
                all.size() - failed - errors - warnings,
                warnings,
                failed,
                errors > 0 ? ", " + errors + " could not be checked (ERROR)" : "");
        return new LogLine(
                failed + errors > 0 ? LogLine.ERROR : warnings > 0 ? LogLine.WARNING : LogLine.SUCCESS, text);
    }
}
