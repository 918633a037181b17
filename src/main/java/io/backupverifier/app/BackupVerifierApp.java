package io.backupverifier.app;

import io.backupverifier.config.ConfigException;
import io.backupverifier.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * Starts the Camel application: routes from {@code routes/*.yaml} on disk, configuration from
 * {@link Settings}. Service mode loads every route; one-shot commands leave out the watcher
 * and the timers, so they start fast and never poll anything.
 */
public final class BackupVerifierApp {

    /** Which routes to load. */
    public enum Mode { SERVICE, ONE_SHOT }

    private final Main main = new Main();

    public BackupVerifierApp(Settings settings, Path home, Path configFile, Mode mode, Clock clock) throws ConfigException {
        main.setDefaultPropertyPlaceholderLocation("optional:file:" + configFile.toAbsolutePath());
        main.setOverrideProperties(settings.camelProperties(mode == Mode.SERVICE));
        main.configure().addConfiguration(new AppBeans(settings, settings.consistencyQueries(home), clock));
        String routes = "file:" + home.toAbsolutePath().resolve("routes") + "/";
        main.configure().withRoutesIncludePattern(routes + "*.yaml");
        if (mode == Mode.SERVICE && !settings.mailEnabled()) {
            org.slf4j.LoggerFactory.getLogger(BackupVerifierApp.class).warn("No SMTP_HOST configured: alerts are kept only in "
                    + "the outbox {}", settings.outboxDir().toAbsolutePath());
        }
        if (mode == Mode.SERVICE && settings.get("http.port").strip().equals("0")) {
            main.configure().withRoutesExcludePattern(routes + "http-*.yaml"); // HTTP turned off: no pages
        }
        if (mode == Mode.ONE_SHOT) {
            main.configure().withRoutesExcludePattern(routes + "watch-*.yaml," + routes + "schedule-*.yaml," + routes + "http-*.yaml");
        }
    }

    public Main main() {
        return main;
    }

    /** Starts Camel and returns without waiting (one-shot commands, tests). */
    public CamelContext start() throws Exception {
        main.start();
        registerMBean(main.getCamelContext());
        return main.getCamelContext();
    }

    /**
     * The BackupVerifier MBean, next to Camel's own route MBeans (when JMX is on). The health checks need no
     * registering: Camel's health registry finds every check bound in the registry (AppBeans).
     */
    private static void registerMBean(CamelContext camel) throws Exception {
        if (camel.getManagementStrategy() == null || camel.getManagementStrategy().getManagementAgent() == null) {
            return;
        }
        BackupVerifierOperations ops = new BackupVerifierOperations(camel,
                camel.getRegistry().lookupByNameAndType("backupCatalog", io.backupverifier.catalog.BackupCatalog.class),
                camel.getRegistry().lookupByNameAndType("resultsStore", io.backupverifier.store.ResultsStore.class));
        camel.getManagementStrategy().getManagementAgent().register(ops, OBJECT_NAME);
    }

    /** The MBean's name. */
    public static final javax.management.ObjectName OBJECT_NAME;

    static {
        try {
            OBJECT_NAME = new javax.management.ObjectName("io.backupverifier:type=BackupVerifier");
        } catch (javax.management.MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public void stop() throws Exception {
        main.stop();
    }

    /**
     * Runs until the JVM is asked to stop (service mode). Returns the exit code: 0 when stopped,
     * 1 when a fatal error ({@link FatalErrors}) ended it.
     */
    public int run() throws Exception {
        FatalErrors fatal = new FatalErrors(main::completed);
        Thread.setDefaultUncaughtExceptionHandler(fatal);
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeStart(org.apache.camel.main.BaseMainSupport m) {
                m.getCamelContext().getManagementStrategy().addEventNotifier(fatal);
            }

            @Override
            public void afterStart(org.apache.camel.main.BaseMainSupport m) {
                try {
                    registerMBean(m.getCamelContext());
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot register the BackupVerifier MBean: " + e.getMessage(), e);
                }
            }
        });
        main.run();
        return fatal.happened() ? 1 : 0;
    }
}
