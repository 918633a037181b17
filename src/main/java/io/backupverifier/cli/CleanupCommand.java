package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.maintenance.Maintained;
import io.backupverifier.run.RunResult;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cleanup}: what the maintenance timer does, now. */
@Command(
        name = "cleanup",
        mixinStandardHelpOptions = true,
        description = {
            "Drop test databases (*_test_YYYYMMDD_HHMMSS) older than TEST_DB_RETENTION_DAYS on the test server, "
                    + "remove what crashed restore tests left behind, gzip logs older than LOG_ARCHIVE_AFTER, delete archives "
                    + "older than LOG_DELETE_AFTER and keep each log directory under LOG_DIR_MAX_SIZE.",
            "Alerts waiting in the outbox are delivered too (when SMTP_HOST is set)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:something could not be cleaned up", "2:usage or configuration error"})
final class CleanupCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    private final CliContext ctx;

    CleanupCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings(ctx);
        try (OneShot app = new OneShot(ctx, common, settings)) {
            RunResult run = app.run("direct:maintenance-run", null, Map.of());
            if (run.maintained().isEmpty()) {
                ctx.out().println("[SUCCESS] Nothing to clean up");
            }
            for (Maintained m : run.maintained()) {
                ctx.out().println((m.failed() ? "[ERROR] " : "[SUCCESS] ") + m.message());
            }
            // a cron job that only cleans up still delivers the alerts an outage left waiting
            app.deliverAlerts();
            return run.exitStatus();
        }
    }
}
