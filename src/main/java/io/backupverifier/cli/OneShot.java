package io.backupverifier.cli;

import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** The application started for one command: the same routes as the service, without watcher or timers. */
final class OneShot implements AutoCloseable {

    private final BackupVerifierApp app;
    private final CamelContext camel;
    private final ProducerTemplate template;
    private final Thread hook;

    OneShot(CliContext ctx, CommonOptions common, Settings settings) throws Exception {
        app = new BackupVerifierApp(settings, ctx.home(), common.config != null ? common.config : ctx.defaultConfigFile(),
                BackupVerifierApp.Mode.ONE_SHOT, ctx.clock());
        camel = app.start();
        // a command interrupted (Ctrl-C, SIGTERM) still stops Camel, and with it any embedded test server
        Thread hook = new Thread(() -> {
            try {
                app.stop();
            } catch (Exception e) {
                // the JVM is going away
            }
        }, "bv-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        this.hook = hook;
        template = camel.createProducerTemplate();
    }

    <T> T bean(String name, Class<T> type) {
        return camel.getRegistry().lookupByNameAndType(name, type);
    }

    ProducerTemplate template() {
        return template;
    }

    @Override
    public void close() throws Exception {
        template.close();
        app.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook does the same
        }
    }
}
