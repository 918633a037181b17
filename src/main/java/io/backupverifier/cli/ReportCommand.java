package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.report.ReportNotWrittenException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code report}: the verification report from the latest results, as text, HTML and JSON files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the verification report (verification_report_YYYYMMDD_HHMMSS.txt, .html, .json) into "
                + "VERIFICATION_LOG_DIR from the latest recorded results: summary, categories, every backup with its last "
                + "verification and last successful restore test, recommendations. 'verify --all --report' verifies first.",
                "Alerts waiting in the outbox are delivered too (when SMTP_HOST is set)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "1:the report could not be written", "2:usage, configuration or installation error"})
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
                return write(ctx, app);
            } finally {
                app.deliverAlerts();
            }
        }
    }

    /** Writes the report and names the files written (only those); returns the exit code. */
    static int write(CliContext ctx, OneShot app) {
        Exchange done = app.template().request("direct:report", e -> { });
        if (done.getException() != null) {
            Throwable cause = done.getException();
            while (cause != null && !(cause instanceof ReportNotWrittenException)) {
                cause = cause.getCause();
            }
            ctx.err().println("[ERROR] " + (cause != null ? cause.getMessage() : "The report was not written: "
                    + done.getException().getMessage()));
            return BackupVerifierCli.FAILED;
        }
        List<?> files = done.getMessage().getHeader("reportFiles", List.class);
        if (files == null || files.isEmpty()) { // a failure the route handled: still no report
            Exception caught = done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            ctx.err().println("[ERROR] The report was not written" + (caught != null ? ": " + caught.getMessage() : ""));
            return BackupVerifierCli.FAILED;
        }
        for (Object f : files) {
            ctx.err().println("[INFO] Report written: " + (Path) f);
        }
        return BackupVerifierCli.OK;
    }
}
