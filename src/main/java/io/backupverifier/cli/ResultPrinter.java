package io.backupverifier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.report.JsonResult;
import io.backupverifier.report.LogLine;
import io.backupverifier.report.VerificationLines;
import io.backupverifier.run.RunResult;
import java.nio.file.Path;
import java.util.List;

/** Prints results as seed-style lines or as the --json document, and gives the exit code. */
final class ResultPrinter {

    private ResultPrinter() {}

    /** On stderr: the report files a run wrote (only those), then what it could not do (report, alert). */
    static void printReportAndProblems(CliContext ctx, RunResult run) {
        for (Path f : run.reportFiles()) {
            ctx.err().println("[INFO] Report written: " + f);
        }
        for (String p : run.problems()) {
            ctx.err().println("[ERROR] " + p);
        }
    }

    static int print(CliContext ctx, boolean json, List<? extends BackupResult> results, List<String> errors) {
        return print(ctx, json, false, false, results, null, errors);
    }

    /** One backup's lines, as soon as it is done (all of them, or with {@code quiet} only FAILED and ERROR). */
    static void printBackup(CliContext ctx, boolean quiet, BackupResult r) {
        List<LogLine> lines =
                VerificationLines.of(r).stream().filter(l -> shown(l, quiet)).toList();
        synchronized (ctx.out()) {
            lines.forEach(ctx.out()::println);
        }
    }

    /**
     * With the category checks of verify --all ({@code history}): printed after the backups,
     * FAILED makes the exit code 1. {@code shown}: the backups' lines were printed as each was
     * done; what is left is what was not done, the category checks and the summary.
     */
    static int print(
            CliContext ctx,
            boolean json,
            boolean quiet,
            boolean shown,
            List<? extends BackupResult> results,
            List<? extends BackupResult> history,
            List<String> errors) {
        if (json) {
            ObjectNode root = JsonDocument.start(ctx);
            JsonResult.into(root, results, history);
            JsonDocument.print(ctx, root);
            errors.forEach(e -> ctx.err().println("[ERROR] " + e));
        } else {
            if (!shown) {
                results.forEach(r -> printBackup(ctx, quiet, r));
            }
            errors.forEach(e -> ctx.out().println(new LogLine(LogLine.ERROR, e)));
            if (history != null) {
                for (BackupResult c : history) {
                    c.checks().values().stream()
                            .map(r -> new LogLine(LogLine.levelOf(r.status()), r.message()))
                            .filter(l -> shown(l, quiet))
                            .forEach(ctx.out()::println);
                }
            }
            if (shown && !quiet) {
                recap(ctx, results);
            }
            if (quiet || results.size() + errors.size() > 1) {
                ctx.out().println(VerificationLines.summary(results));
            }
        }
        boolean failed = !errors.isEmpty()
                || results.stream().anyMatch(BackupResult::isFailed)
                || history != null && history.stream().anyMatch(BackupResult::isFailed);
        return failed ? BackupVerifierCli.FAILED : BackupVerifierCli.OK;
    }

    /**
     * After a streamed run over many backups, whose verdicts scrolled by hundreds of lines ago:
     * the backups to act on, one line each, just above the summary.
     */
    private static void recap(CliContext ctx, List<? extends BackupResult> results) {
        for (BackupResult r : results) {
            if (r.isFailed()) { // FAILED or ERROR
                ctx.out()
                        .println(new LogLine(
                                LogLine.ERROR,
                                (r.status() == CheckStatus.FAILED ? "Failed: " : "Could not be checked: ")
                                        + LogLine.printable(r.location()) + " (" + String.join(", ", r.failedChecks())
                                        + ")"));
            }
        }
    }

    /** --quiet keeps the lines a person must act on: FAILED and ERROR both print as [ERROR]. */
    private static boolean shown(LogLine line, boolean quiet) {
        return !quiet || LogLine.ERROR.equals(line.level());
    }
}
