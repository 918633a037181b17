package io.backupverifier.cli;

import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.config.ConfigException;
import io.backupverifier.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run}: service mode, until stopped (SIGTERM or Ctrl-C stop it cleanly). */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run as a service: watch the backup directory, verify new backups, and run the daily verification.",
            "Stops cleanly on SIGTERM or Ctrl-C."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly",
            "1:stopped by a fatal error (restart it)",
            "2:usage or configuration error, another service on the same state directory, or the HTTP port in use"
        })
final class RunCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    private final CliContext ctx;

    RunCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @SuppressWarnings("try") // a resource held only to be closed at the end
    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings(ctx);
        settings.requireReadableBackupDir();
        // the embedded SQLite store is one node's: a second service on it would verify and alert twice
        try (ServiceLock lock = settings.get("results.db-url").startsWith("jdbc:sqlite:")
                ? ServiceLock.acquire(settings.stateDir())
                : null) {
            requireFreePort(settings);
            return new BackupVerifierApp(
                            settings,
                            ctx.home(),
                            common.config != null ? common.config : ctx.defaultConfigFile(),
                            BackupVerifierApp.Mode.SERVICE,
                            ctx.clock())
                    .run();
        }
    }

    /** A port already taken fails the start here: the HTTP server would only log it and the service run on without it. */
    private static void requireFreePort(Settings settings) throws ConfigException {
        int port = settings.port("http.port");
        if (port == 0) {
            return;
        }
        String host = settings.get("http.host");
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the HTTP server binds: a port in TIME_WAIT is free
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException(Settings.label("http.port") + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); another service may be using it");
        }
    }
}
