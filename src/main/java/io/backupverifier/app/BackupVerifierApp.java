package io.backupverifier.app;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.config.ConfigException;
import io.backupverifier.config.Settings;
import io.backupverifier.store.ResultsQueries;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.LoggerFactory;

/**
 * Starts the Camel application: routes from {@code routes/*.yaml} on disk, configuration from
 * {@link Settings}. Service mode loads every route; one-shot commands leave out the watcher
 * and the timers, so they start fast and never poll anything.
 */
public final class BackupVerifierApp {

    /** Which routes to load. */
    public enum Mode {
        SERVICE,
        ONE_SHOT
    }

    /** The MBean's name. */
    public static final ObjectName OBJECT_NAME;

    static {
        try {
            OBJECT_NAME = new ObjectName("io.backupverifier:type=BackupVerifier");
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final OnceParsedMain main = new OnceParsedMain();
    private final AppBeans beans;

    /**
     * Camel Main reads every route file twice: a pre-parse (for {@code beans:} sections, Pipe
     * resources and modelines) before it loads the routes. Route files with none of those (ours)
     * are parsed only once, when the routes are loaded: a tenth of a one-shot command's start-up.
     */
    private static final class OnceParsedMain extends Main {

        private boolean preParse = true;
        /** The route files this application chose; camel.main.* in application.properties may name others. */
        private String ownRoutes;

        @Override
        protected void modelineRoutes(CamelContext camelContext) throws Exception {
            if (preParse
                    || configure().isModeline()
                    || !Objects.equals(ownRoutes, configure().getRoutesIncludePattern())) {
                super.modelineRoutes(camelContext);
            }
        }
    }

    public BackupVerifierApp(Settings settings, Path home, Path configFile, Mode mode, Clock clock)
            throws ConfigException {
        this(settings, home, configFile, mode, clock, null);
    }

    /**
     * A one-shot command that calls only {@code uses}: the routes behind those {@code direct:}
     * endpoints (and what they call) are loaded, without those it says it will not reach this
     * time (see {@link RouteFiles}). Fewer routes to parse and start is most of a short command's start-up.
     */
    public static BackupVerifierApp oneShot(Settings settings, Path home, Path configFile, Clock clock, RouteUse uses)
            throws ConfigException {
        return new BackupVerifierApp(settings, home, configFile, Mode.ONE_SHOT, clock, uses);
    }

    /** The endpoints a command sends to, and those its routes could call but will not in this run. */
    public record RouteUse(Collection<String> entries, Collection<String> unreached) {}

    private BackupVerifierApp(Settings settings, Path home, Path configFile, Mode mode, Clock clock, RouteUse uses)
            throws ConfigException {
        main.setDefaultPropertyPlaceholderLocation("optional:file:" + configFile.toAbsolutePath());
        main.setOverrideProperties(settings.camelProperties(mode == Mode.SERVICE));
        beans = new AppBeans(settings, settings.consistencyQueries(home), clock, mode == Mode.ONE_SHOT);
        main.configure().addConfiguration(beans);
        String routes = "file:" + home.toAbsolutePath().resolve("routes") + "/";
        main.preParse = RouteFiles.needPreParse(home.toAbsolutePath().resolve("routes"));
        main.configure().withRoutesIncludePattern(routes + "*.yaml");
        if (mode == Mode.SERVICE && !settings.mailEnabled()) {
            LoggerFactory.getLogger(BackupVerifierApp.class)
                    .warn(
                            "No SMTP_HOST configured: alerts are kept only in " + "the outbox {}",
                            settings.outboxDir().toAbsolutePath());
        }
        if (mode == Mode.SERVICE && settings.port("http.port") == 0) {
            main.configure().withRoutesExcludePattern(routes + "http-*.yaml"); // HTTP turned off: no pages
        }
        if (mode == Mode.ONE_SHOT) {
            List<String> serviceOnly = List.of("watch-", "schedule-", "http-");
            Optional<List<Path>> needed = uses == null
                    ? Optional.empty()
                    : RouteFiles.select(
                            home.toAbsolutePath().resolve("routes"), serviceOnly, uses.entries(), uses.unreached());
            if (needed.isPresent()) {
                main.configure()
                        .withRoutesIncludePattern(String.join(
                                ",",
                                needed.get().stream()
                                        .map(p -> "file:" + p.toAbsolutePath())
                                        .toList()));
            } else {
                main.configure()
                        .withRoutesExcludePattern(String.join(
                                ",",
                                serviceOnly.stream()
                                        .map(p -> routes + p + "*.yaml")
                                        .toList()));
            }
        }
        main.ownRoutes = main.configure().getRoutesIncludePattern();
    }

    /**
     * Starts reading a backup now, before {@link #start()}: a command verifying one file overlaps
     * the application's start-up with the scan, which the verify route then picks up.
     */
    public void scanAhead(Path file) {
        beans.scanAhead(file);
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
        if (camel.getManagementStrategy() == null
                || camel.getManagementStrategy().getManagementAgent() == null) {
            return;
        }
        BackupVerifierOperations ops = new BackupVerifierOperations(
                camel,
                camel.getRegistry().lookupByNameAndType("backupCatalog", BackupCatalog.class),
                camel.getRegistry().lookupByNameAndType("resultsQueries", ResultsQueries.class));
        camel.getManagementStrategy().getManagementAgent().register(ops, OBJECT_NAME);
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
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStart(BaseMainSupport m) {
                m.getCamelContext().getManagementStrategy().addEventNotifier(fatal);
            }

            @Override
            public void afterStart(BaseMainSupport m) {
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
