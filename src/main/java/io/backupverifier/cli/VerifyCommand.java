package io.backupverifier.cli;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.Verification;
import io.backupverifier.config.Settings;
import io.backupverifier.report.RunLog;
import io.backupverifier.scan.ScanProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify [FILE...] | --all}: the file checks, through the same routes the service uses. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify backups: size, metadata, SHA-256, gzip integrity, extractability, format and dump completeness.",
                "With no FILE, verifies the latest backup in the backup directory."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every backup passed (warnings allowed)", "1:a backup FAILED or could not be verified, or its report or alert could not be written",
                "2:usage, configuration or installation error"})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Backup files to verify.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--all", description = "Verify every backup under the backup directory.")
    boolean all;

    @Option(names = "--report", description = "Then write the verification report (text, HTML, JSON) into VERIFICATION_LOG_DIR.")
    boolean report;

    @Option(names = "--alert", description = "Mail an alert for backups that newly failed (and a recovery mail for "
            + "failures that cleared), as the service does. Alerts an earlier run could not deliver go out too.")
    boolean alert;

    private final CliContext ctx;

    VerifyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (all && !files.isEmpty()) {
            throw new UsageException("give FILE arguments or --all, not both");
        }
        Settings settings = common.settings(ctx);
        List<Path> targets = targets(settings);
        if (targets.isEmpty()) {
            ctx.err().println("[ERROR] No backups found in " + settings.backupDir().toAbsolutePath()
                    + " (names matching " + settings.get("backup.include") + ")");
            return 1;
        }
        List<Verification> results = new ArrayList<>();
        List<BackupResult> history = null;
        List<String> errors = new ArrayList<>();
        int reportExit = BackupVerifierCli.OK;
        int alertExit = BackupVerifierCli.OK;
        try (OneShot app = new OneShot(ctx, common, settings)) {
            RunLog log = app.bean("runLog", RunLog.class);
            String runLog = log.newRun();
            try (AutoCloseable shown = ctx.terminal() && !output.json
                    ? new ProgressPrinter(app.bean("scanProgress", ScanProgress.class), ctx.err()) : () -> { }) {
                List<?> out = app.template().requestBodyAndHeader("direct:verify-all", targets, "runLog", runLog, List.class);
                for (Object o : out) {
                    if (o instanceof Verification v) {
                        results.add(v);
                    } else {
                        errors.add("Could not verify " + o + " (see the log above)");
                    }
                }
            }
            results.sort(Comparator.comparing(Verification::file));
            log.summary(runLog, results);
            if (all) {
                history = new ArrayList<>();
                for (Object o : app.template().requestBody("direct:history", (Object) null, List.class)) {
                    history.add((BackupResult) o);
                }
                history.forEach(h -> log.write(h, runLog));
            }
            if (report) {
                reportExit = ReportCommand.write(ctx, app);
            }
            if (alert) {
                alertExit = alert(ctx, app, results, history);
            }
        }
        int exit = ResultPrinter.print(ctx, output.json, results, history, errors);
        return Math.max(exit, Math.max(reportExit, alertExit));
    }

    /**
     * Keeps this run's alerts in the outbox, then delivers everything the outbox holds, oldest
     * first: what an earlier run could not send goes out now, once. Returns the exit code.
     */
    static int alert(CliContext ctx, OneShot app, List<? extends BackupResult> results, List<? extends BackupResult> more) {
        try {
            app.template().requestBody("direct:alert", results);
            if (more != null) {
                app.template().requestBody("direct:alert", more);
            }
            return BackupVerifierCli.OK;
        } catch (org.apache.camel.CamelExecutionException e) {
            // the alert could not be kept: say so, and fail, whatever the verdicts
            ctx.err().println("[ERROR] " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            return BackupVerifierCli.FAILED;
        } finally {
            app.deliverAlerts();
        }
    }

    private List<Path> targets(Settings settings) throws Exception {
        if (!files.isEmpty()) {
            for (Path f : files) {
                if (!Files.exists(f)) {
                    throw new UsageException("no such backup file: " + f);
                }
            }
            return files.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
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
