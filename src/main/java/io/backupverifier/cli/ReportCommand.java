package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.report.ReportWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code report}: the verification report from the latest results, as text, HTML and JSON files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the verification report (verification_report_YYYYMMDD_HHMMSS.txt, .html, .json) into "
                + "VERIFICATION_LOG_DIR from the latest recorded results: summary, categories, every backup with its last "
                + "verification and last successful restore test, recommendations. 'verify --all --report' verifies first."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "2:usage or configuration error"})
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
            write(ctx, app);
        }
        return BackupVerifierCli.OK;
    }

    static void write(CliContext ctx, OneShot app) throws Exception {
        app.template().requestBody("direct:report", (Object) null);
        ReportWriter writer = app.bean("reportWriter", ReportWriter.class);
        for (String ext : new String[] {"txt", "html", "json"}) {
            ctx.err().println("[INFO] Report written: " + writer.lastReport(ext));
        }
    }
}
