package io.backupverifier.cli;

import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.config.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run}: service mode, until stopped (SIGTERM or Ctrl-C stop it cleanly). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run as a service: watch the backup directory, verify new backups, and run the daily verification.",
                "Stops cleanly on SIGTERM or Ctrl-C."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:stopped by a fatal error (restart it)", "2:usage or configuration error"})
final class RunCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    private final CliContext ctx;

    RunCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings(ctx);
        settings.requireReadableBackupDir();
        return new BackupVerifierApp(settings, ctx.home(), common.config != null ? common.config : ctx.defaultConfigFile(),
                BackupVerifierApp.Mode.SERVICE, ctx.clock()).run();
    }
}
