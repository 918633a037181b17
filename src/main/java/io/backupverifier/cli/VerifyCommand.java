package io.backupverifier.cli;

import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.config.Settings;
import io.backupverifier.restore.RestoreProgress;
import io.backupverifier.restore.RestoreTester;
import io.backupverifier.run.BackupDone;
import io.backupverifier.run.RunResult;
import io.backupverifier.scan.ScanProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify [FILE...] | --all}: the file checks, through the same routes the service uses. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verify backups: size, metadata, SHA-256, gzip integrity, extractability, format and dump completeness.",
            "With no FILE, verifies the latest backup in the backup directory."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every backup passed (warnings allowed)",
            "1:a backup FAILED or could not be verified, or its report or alert could not be written",
            "2:usage, configuration or installation error"
        })
final class VerifyCommand extends OperatorCommand {

    @Mixin
    QuietOption quiet;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Backup files to verify.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--all", description = "Verify every backup under the backup directory.")
    boolean all;

    @Option(
            names = "--report",
            description = "Then write the verification report (text, HTML, JSON) into VERIFICATION_LOG_DIR.")
    boolean report;

    @Option(
            names = "--alert",
            description =
                    "Mail an alert for backups that newly failed (and a recovery mail for "
                            + "failures that cleared), as the service does. Alerts an earlier run could not deliver go out too.")
    boolean alert;

    VerifyCommand(CliContext ctx) {
        super(ctx);
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Override
    int run() throws Exception {
        if (all && !files.isEmpty()) {
            throw new UsageException("give FILE arguments or --all, not both");
        }
        Settings settings = common.settings(ctx);
        List<Path> targets = targets(settings);
        if (targets.isEmpty()) {
            return fail(
                    "No backups found in " + settings.backupDir().toAbsolutePath() + " (names matching "
                            + settings.get("backup.include") + ")",
                    BackupVerifierCli.FAILED);
        }
        RunResult run;
        // text: each backup's verdict as soon as it is done; --json: one document at the end
        boolean streamed = !json() && targets.size() > 1;
        boolean runLine = ctx.terminal() && !json() && targets.size() > 1;
        long totalBytes = runLine ? totalBytes(targets) : 0;
        if (runLine) {
            ProgressPrinter.starting(ctx.err(), targets.size(), totalBytes); // starting the application takes seconds
        }
        // one backup: its scan starts now and overlaps the start-up (several: the run verifies them in parallel)
        try (OneShot app = startClearingLine(runLine, settings, targets.size() == 1 ? targets : List.of())) {
            ScanProgress scans = app.bean("scanProgress", ScanProgress.class);
            ProgressPrinter progress = !ctx.terminal() || json()
                    ? null
                    : runLine
                            ? ProgressPrinter.ofRun(app.threads(), scans, ctx.err(), targets.size(), totalBytes)
                                    .afterStarting()
                            : new ProgressPrinter(app.threads(), scans, ctx.err());
            try (AutoCloseable shown = progress != null ? progress : () -> {};
                    AutoCloseable listening = streamed
                            ? app.bean("backupDone", BackupDone.class).listen(r -> {
                                // the progress line waits (stderr's lock) while the verdict goes to a clean terminal
                                // line
                                synchronized (ctx.err()) {
                                    if (progress != null) {
                                        progress.done(r);
                                        progress.clear();
                                    }
                                    ResultPrinter.printBackup(ctx, quiet.quiet, r);
                                    if (progress != null) {
                                        ctx.out().flush(); // the verdict is on the terminal before the line goes under
                                        // it
                                        progress.redraw();
                                    }
                                }
                            })
                            : () -> {};
                    // a suspect backup's restore test takes seconds: the progress line says so
                    AutoCloseable restores = progress != null && targets.size() > 1
                            ? app.bean("restoreTester", RestoreTester.class).listen(new RestoreProgress() {
                                @Override
                                public void started(Path backup) {
                                    progress.restoring(backup);
                                }

                                @Override
                                public void recorded(Path backup, String checkId, CheckResult result) {}
                            })
                            : () -> {}) {
                run = app.run(
                        "direct:verify-run",
                        targets,
                        Map.of("withHistory", all, "withReport", report, "withAlert", alert));
            }
            ResultPrinter.printReportAndProblems(ctx, run);
            if (alert) {
                app.deliverAlerts();
            }
        }
        int exit = ResultPrinter.print(
                ctx, json(), quiet.quiet, streamed, run.results(), all ? run.categories() : null, run.notDone());
        return Math.max(exit, run.exitStatus());
    }

    /** Starts the application; when it cannot start, its message goes to a clean line, not after the starting line. */
    private OneShot startClearingLine(boolean runLine, Settings settings, List<Path> scanAhead) throws Exception {
        try {
            return new OneShot(ctx, common, settings, routeUse(), scanAhead);
        } catch (Exception | Error e) {
            if (runLine) {
                synchronized (ctx.err()) {
                    ctx.err().print("\r\033[K");
                    ctx.err().flush();
                }
            }
            throw e;
        }
    }

    /** The routes this run goes through: the category checks, report and alert only when asked for. */
    private BackupVerifierApp.RouteUse routeUse() {
        List<String> entries = new ArrayList<>(List.of("verify-run"));
        List<String> unreached = new ArrayList<>();
        if (alert) {
            entries.add("deliver-outbox");
        } else {
            unreached.add("alert-run");
        }
        if (!all) {
            unreached.add("history");
        }
        if (!report) {
            unreached.add("report-run");
        }
        return new BackupVerifierApp.RouteUse(entries, unreached);
    }

    private static long totalBytes(List<Path> targets) {
        long total = 0;
        for (Path p : targets) {
            try {
                total += Files.size(p);
            } catch (IOException e) {
                // a backup that vanished is reported by its verification; the ETA just counts it as empty
            }
        }
        return total;
    }

    private List<Path> targets(Settings settings) throws Exception {
        if (!files.isEmpty()) {
            for (Path f : files) {
                if (!Files.exists(f)) {
                    throw new UsageException("no such backup file: " + f);
                }
            }
            return files.stream()
                    .map(p -> p.toAbsolutePath().normalize())
                    .distinct()
                    .toList();
        }
        settings.requireReadableBackupDir();
        BackupCatalog catalog = BackupCatalog.of(settings);
        if (all) {
            return catalog.list();
        }
        Optional<Path> latest = catalog.latest();
        return latest.map(List::of).orElse(List.of());
    }
}
