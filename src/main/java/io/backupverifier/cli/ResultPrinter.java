package io.backupverifier.cli;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.report.JsonResult;
import io.backupverifier.report.LogLine;
import io.backupverifier.report.VerificationLines;
import io.backupverifier.run.RunResult;
import java.nio.file.Path;
import java.util.List;

/** Prints results as seed-style lines or as the --json document, and gives the exit code. */
final class ResultPrinter {

    private ResultPrinter() {
    }

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
        return print(ctx, json, results, null, errors);
    }

    /** With the category checks of verify --all: printed after the backups, FAILED makes the exit code 1. */
    static int print(CliContext ctx, boolean json, List<? extends BackupResult> results, List<? extends BackupResult> history,
                     List<String> errors) {
        if (json) {
            ctx.out().println(JsonResult.of(results, history));
            errors.forEach(e -> ctx.err().println("[ERROR] " + e));
        } else {
            for (BackupResult r : results) {
                VerificationLines.of(r).forEach(ctx.out()::println);
            }
            errors.forEach(e -> ctx.out().println(new LogLine(LogLine.ERROR, e)));
            if (history != null) {
                for (BackupResult c : history) {
                    c.checks().forEach((id, r) -> ctx.out().println(new LogLine(LogLine.levelOf(r.status()), r.message())));
                }
            }
            if (results.size() + errors.size() > 1) {
                ctx.out().println(VerificationLines.summary(results));
            }
        }
        boolean failed = !errors.isEmpty() || results.stream().anyMatch(BackupResult::isFailed)
                || history != null && history.stream().anyMatch(BackupResult::isFailed);
        return failed ? BackupVerifierCli.FAILED : BackupVerifierCli.OK;
    }
}
