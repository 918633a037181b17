package io.backupverifier.cli;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.ResultKind;
import io.backupverifier.config.Settings;
import io.backupverifier.report.LogLine;
import io.backupverifier.report.VerificationLines;
import io.backupverifier.restore.RestoreProgress;
import io.backupverifier.restore.RestoreResult;
import io.backupverifier.restore.RestoreTester;
import io.backupverifier.restore.TestDatabase;
import io.backupverifier.run.BackupDone;
import io.backupverifier.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restore-test [FILE] [--verify-only] [--weekly]}: restore into an isolated database and check it. */
@Command(
        name = "restore-test",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a backup into an isolated, throw-away PostgreSQL (embedded unless TEST_DB_HOST is set) "
                    + "as a role without superuser, then check it: tables, key tables, REINDEX, ANALYZE, foreign keys, "
                    + "consistency queries, amcheck.",
            "With no FILE, tests the latest backup."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:restored and every check passed (warnings allowed)",
            "1:a restore or a check FAILED",
            "2:usage or configuration error"
        })
final class RestoreTestCommand extends OperatorCommand {

    @Mixin
    QuietOption quiet;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Backup to restore (default: the latest).")
    Path file;

    @Option(names = "--verify-only", description = "Keep the test database afterwards and print how to connect to it.")
    boolean verifyOnly;

    @Option(names = "--weekly", description = "Test the latest backup of each category, as the weekly timer does.")
    boolean weekly;

    @Option(
            names = "--alert",
            description = "Mail an alert for restore tests that newly failed, as the service does. "
                    + "Alerts an earlier run could not deliver go out too.")
    boolean alert;

    RestoreTestCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    @SuppressWarnings("try") // the listeners' handles are only there to be closed
    int run() throws Exception {
        if (file != null && weekly) {
            throw new UsageException("give FILE or --weekly, not both");
        }
        Settings settings = common.settings(ctx);
        List<Path> targets = targets(settings);
        if (targets.isEmpty()) {
            return fail("No backups found in " + settings.backupDir().toAbsolutePath(), BackupVerifierCli.FAILED);
        }
        try (OneShot app = new OneShot(ctx, common, settings)) {
            RunResult run;
            // text: each step's line as it happens (a restore takes a while); --json: one document at the end
            try (AutoCloseable steps = json()
                            ? () -> {}
                            : app.bean("restoreTester", RestoreTester.class).listen(new ShownSteps());
                    AutoCloseable verdicts = json()
                            ? () -> {}
                            : app.bean("backupDone", BackupDone.class).listen(r -> {
                                List<LogLine> lines = VerificationLines.of(r);
                                show(lines.get(lines.size() - 1));
                            })) {
                run = app.run(
                        "direct:restore-run", targets, Map.of("keepTestDatabase", verifyOnly, "withAlert", alert));
            }
            ResultPrinter.printReportAndProblems(ctx, run);
            if (alert) {
                app.deliverAlerts();
            }
            int exit = Math.max(
                    ResultPrinter.print(ctx, json(), quiet.quiet, !json(), run.results(), null, run.notDone()),
                    run.exitStatus());
            keep(run.results().stream()
                    .filter(RestoreResult.class::isInstance)
                    .map(RestoreResult.class::cast)
                    .toList());
            return exit;
        }
    }

    /** Prints a restore test's start and each check's verdict the moment it is recorded. */
    private final class ShownSteps implements RestoreProgress {

        @Override
        public void started(Path backup) {
            show(new LogLine(LogLine.INFO, ResultKind.RESTORE.startLine() + backup));
        }

        @Override
        public void recorded(Path backup, String checkId, CheckResult r) {
            show(new LogLine(
                    LogLine.levelOf(r.status()),
                    r.status() == CheckStatus.SKIPPED ? checkId + " skipped: " + r.message() : r.message()));
        }

        @Override
        public void loading(Path backup, long tablesLoaded, long tables, long rows, double rowsPerSecond) {
            show(new LogLine(
                    LogLine.INFO,
                    String.format(
                            "Loading: %d/%d tables, %d rows (%.0f rows/s)",
                            tablesLoaded, tables, rows, rowsPerSecond)));
        }
    }

    private void show(LogLine line) {
        if (!quiet.quiet || LogLine.ERROR.equals(line.level())) {
            synchronized (ctx.out()) {
                ctx.out().println(line);
            }
        }
    }

    /** --verify-only: say how to reach each kept database; an embedded server lives as long as this process. */
    private void keep(List<RestoreResult> results) throws Exception {
        boolean embedded = false;
        for (RestoreResult r : results) {
            TestDatabase db = r.keptDatabase();
            if (db != null) {
                ctx.err()
                        .println("[INFO] Test database kept: " + db.psqlHint() + "  (password " + db.password() + ")"
                                + (r.target().startsWith("embedded")
                                        ? ""
                                        : "; maintenance drops it after TEST_DB_RETENTION_DAYS"));
                embedded |= r.target().startsWith("embedded");
            }
        }
        if (embedded && ctx.terminal()) {
            ctx.err()
                    .println(
                            "[INFO] The embedded test server runs until you press Enter; then it is stopped and removed.");
            System.in.read();
        } else if (embedded) {
            ctx.err()
                    .println(
                            "[INFO] No terminal to wait on: the embedded test server stops now. Set TEST_DB_HOST to keep "
                                    + "test databases on a server of yours.");
        }
        results.forEach(RestoreResult::release);
    }

    private List<Path> targets(Settings settings) throws Exception {
        if (file != null) {
            if (!Files.exists(file)) {
                throw new UsageException("no such backup file: " + file);
            }
            return List.of(file.toAbsolutePath().normalize());
        }
        settings.requireReadableBackupDir();
        BackupCatalog catalog = BackupCatalog.of(settings);
        return weekly
                ? catalog.latestPerCategory()
                : catalog.latest().map(List::of).orElse(List.of());
    }
}
