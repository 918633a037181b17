package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.run.RunResult;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code report}: the verification report from the latest results, as text, HTML and JSON files. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write the verification report (verification_report_YYYYMMDD_HHMMSS.txt, .html, .json) into "
                    + "VERIFICATION_LOG_DIR from the latest recorded results: summary, categories, every backup with its last "
                    + "verification and last successful restore test, recommendations. 'verify --all --report' verifies first.",
            "Alerts waiting in the outbox are delivered too (when SMTP_HOST is set)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:report written",
            "1:the report could not be written",
            "2:usage, configuration or installation error"
        })
final class ReportCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    private final CliContext ctx;

    ReportCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings(ctx);
        settings.requireReadableBackupDir();
        try (OneShot app = new OneShot(ctx, common, settings)) {
            try {
                RunResult run = app.run("direct:report-run", null, Map.of());
                ResultPrinter.printReportAndProblems(ctx, run);
                return run.exitStatus();
            } finally {
                app.deliverAlerts();
            }
        }
    }
}
