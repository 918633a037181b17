package io.backupverifier.cli;

import io.backupverifier.alert.AlertOutbox;
import io.backupverifier.alert.SharedAlertOutbox;
import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.config.ConfigException;
import io.backupverifier.config.Settings;
import io.backupverifier.run.RunResult;
import io.backupverifier.run.RunRoute;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.ExecutorServiceManager;

/** The application started for one command: the same routes as the service, without watcher or timers. */
final class OneShot implements AutoCloseable {

    private final BackupVerifierApp app;
    private final CamelContext camel;
    private final ProducerTemplate template;
    private final Thread hook;
    private final CliContext ctx;
    private final Settings settings;

    OneShot(CliContext ctx, CommonOptions common, Settings settings) throws Exception {
        this(ctx, common, settings, null, List.of());
    }

    /**
     * @param uses     the routes the command calls (null: every one-shot route), see {@link BackupVerifierApp#oneShot}
     * @param scanFirst backups to start reading while the application starts (see {@link BackupVerifierApp#scanAhead})
     */
    OneShot(
            CliContext ctx,
            CommonOptions common,
            Settings settings,
            BackupVerifierApp.RouteUse uses,
            List<Path> scanFirst)
            throws Exception {
        requireInstallation(ctx.home(), settings);
        this.ctx = ctx;
        this.settings = settings;
        app = BackupVerifierApp.oneShot(
                settings,
                ctx.home(),
                common.config != null ? common.config : ctx.defaultConfigFile(),
                ctx.clock(),
                uses);
        scanFirst.forEach(app::scanAhead);
        camel = app.start();
        // a command interrupted (Ctrl-C, SIGTERM) still stops Camel, and with it any embedded test server (a JVM
        // shutdown hook is a thread of its own, not started: Camel's thread factory names it)
        Thread hook = camel.getExecutorServiceManager().newThread("shutdown", () -> {
            try {
                app.stop();
            } catch (Exception e) {
                // the JVM is going away
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        this.hook = hook;
        template = camel.createProducerTemplate();
    }

    /**
     * What a command cannot work without, checked before anything starts, so that it is named
     * as an installation error (exit 2) rather than discovered half-way.
     */
    private static void requireInstallation(Path home, Settings settings) throws ConfigException {
        Path routes = home.resolve("routes").toAbsolutePath();
        if (!Files.isDirectory(routes)) {
            throw new ConfigException("Installation error: no routes directory at " + routes
                    + " (run from the installation directory or set BACKUP_VERIFIER_HOME)");
        }
        Path logDir = settings.logDir().toAbsolutePath();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new ConfigException(Settings.label("log.dir") + ": cannot create " + logDir + " ("
                    + (e instanceof AccessDeniedException
                            ? "permission denied"
                            : e instanceof FileAlreadyExistsException
                                    ? "a file is in the way"
                                    : e instanceof FileSystemException fs && fs.getReason() != null
                                            ? fs.getReason()
                                            : e.getMessage())
                    + ")");
        }
        if (!Files.isWritable(logDir) || !Files.isExecutable(logDir)) {
            throw new ConfigException(Settings.label("log.dir") + ": " + logDir + " is not writable by this user");
        }
    }

    /** Delivers the mails waiting in the outbox, oldest first (nothing without SMTP_HOST), and says what still waits. */
    void deliverAlerts() {
        template.requestBody("direct:deliver-outbox", (Object) null);
        Object kept = bean("alertOutbox", Object.class);
        // the node's directory, or with CLUSTER_ENABLED the table the nodes share
        int waiting = kept instanceof AlertOutbox outbox
                ? outbox.pending().size()
                : ((SharedAlertOutbox) kept).pending().size();
        if (waiting > 0) {
            ctx.err()
                    .println((settings.mailEnabled() ? "[WARNING] " : "[INFO] ") + waiting
                            + (waiting == 1 ? " alert waits" : " alerts wait") + " in "
                            + (kept instanceof AlertOutbox outbox
                                    ? outbox.dir().toAbsolutePath()
                                    : ((SharedAlertOutbox) kept).where())
                            + (settings.mailEnabled()
                                    ? ": not delivered now; the next command that alerts, or the service, sends it"
                                    : ": no SMTP_HOST is set to send it"));
        }
    }

    /**
     * Runs a use case through its route (direct:verify-run, restore-run, report-run,
     * maintenance-run) and returns what it did. A route that ends without a result is a bug
     * the log above describes: it fails the command.
     */
    RunResult run(String route, Object body, Map<String, ?> headers) {
        return RunRoute.call(template, route, body, headers);
    }

    <T> T bean(String name, Class<T> type) {
        return camel.getRegistry().lookupByNameAndType(name, type);
    }

    /** The command's thread pools (Camel's), shut down with it. */
    ExecutorServiceManager threads() {
        return camel.getExecutorServiceManager();
    }

    ProducerTemplate template() {
        return template;
    }

    @Override
    public void close() {
        try {
            template.close();
            app.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping was cut short; the JVM ends anyway
        } catch (Exception e) {
            throw new IllegalStateException("Stopping the application failed: " + e.getMessage(), e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook does the same
            }
        }
    }
}
