package io.backupverifier.app;

import io.backupverifier.alert.AlertMail;
import io.backupverifier.alert.AlertMailRenderer;
import io.backupverifier.alert.AlertOutbox;
import io.backupverifier.alert.AlertState;
import io.backupverifier.alert.Alerts;
import io.backupverifier.alert.SharedAlertOutbox;
import io.backupverifier.alert.SmtpDeadline;
import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupInspector;
import io.backupverifier.checks.ChecksumCheck;
import io.backupverifier.checks.DumpCompleteCheck;
import io.backupverifier.checks.ExtractableCheck;
import io.backupverifier.checks.FormatCheck;
import io.backupverifier.checks.GzipIntegrityCheck;
import io.backupverifier.checks.MetadataCheck;
import io.backupverifier.checks.SizeCheck;
import io.backupverifier.config.Settings;
import io.backupverifier.history.CategoryChecks;
import io.backupverifier.history.SizeAnomalyCheck;
import io.backupverifier.livedb.LiveDatabaseCheck;
import io.backupverifier.maintenance.LogMaintenance;
import io.backupverifier.ops.BackupDirectoryHealthCheck;
import io.backupverifier.ops.ClusterHealthCheck;
import io.backupverifier.ops.ClusterView;
import io.backupverifier.ops.Metrics;
import io.backupverifier.ops.ResultsStoreHealthCheck;
import io.backupverifier.report.ReportRows;
import io.backupverifier.report.ReportWriter;
import io.backupverifier.report.RunLog;
import io.backupverifier.restore.EmbeddedTarget;
import io.backupverifier.restore.ExternalTarget;
import io.backupverifier.restore.RestoreAttachment;
import io.backupverifier.restore.RestoreTarget;
import io.backupverifier.restore.RestoreTester;
import io.backupverifier.restore.TestDatabaseCleanup;
import io.backupverifier.run.BackupDone;
import io.backupverifier.run.Runs;
import io.backupverifier.scan.BackupScanner;
import io.backupverifier.scan.ScanProgress;
import io.backupverifier.sidecar.Category;
import io.backupverifier.store.ClusterNode;
import io.backupverifier.store.ClusteredTimers;
import io.backupverifier.store.DataSources;
import io.backupverifier.store.ResilientMessageIdRepository;
import io.backupverifier.store.ResultsQueries;
import io.backupverifier.store.ResultsStore;
import io.backupverifier.store.SuspectRestores;
import io.backupverifier.store.WatchReadLock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The beans the routes call by name. Everything is plain Java built from {@link Settings};
 * this class is the one place that wires it for Camel.
 */
public final class AppBeans implements CamelConfiguration {

    /** How long a clustered node waits at start for a results store slow to answer (it cannot start without it). */
    private static final Duration CLUSTER_STORE_PATIENCE = Duration.ofSeconds(30);

    private final Settings settings;
    private final Map<String, String> consistency;
    private final Clock clock;

    private final boolean schemaInBackground;
    private BackupCatalog catalog;
    private final ScanProgress progress = new ScanProgress();
    private BackupScanner scanner;

    /** @param consistency the named consistency queries (read at start-up, so a bad file stops it) */
    public AppBeans(Settings settings, Map<String, String> consistency, Clock clock) {
        this(settings, consistency, clock, false);
    }

    /**
     * @param schemaInBackground bring the results store's schema up to date on another thread while
     *                           the rest starts (one-shot commands); its first use waits for it
     */
    AppBeans(Settings settings, Map<String, String> consistency, Clock clock, boolean schemaInBackground) {
        this.settings = settings;
        this.consistency = consistency;
        this.clock = clock;
        this.schemaInBackground = schemaInBackground;
    }

    private synchronized BackupCatalog catalog() {
        if (catalog == null) {
            catalog = BackupCatalog.of(settings);
        }
        return catalog;
    }

    /**
     * The one scanner: made by {@link #scanAhead} before Camel runs (its own daemon pool), else at
     * configure time on Camel's pool, shut down when Camel stops.
     */
    private synchronized BackupScanner scanner(Supplier<ExecutorService> pool) {
        if (scanner == null) {
            scanner = new BackupScanner(pool.get(), progress, settings.maxExpandedSize(), settings.maxExpansionRatio());
        }
        return scanner;
    }

    /** Starts reading a backup before Camel has started; the verify route's scan of it takes the result. */
    void scanAhead(Path file) {
        scanner(BackupScanner::ownPool).scanAhead(file, catalog().files());
    }

    @Override
    public void configure(CamelContext context) {
        Registry r = context.getRegistry();
        BackupCatalog catalog = catalog();
        r.bind("settings", settings);
        r.bind("scanProgress", progress);
        r.bind("backupCatalog", catalog);
        // the watcher's polls tell the catalog when a backup or sidecar appeared, changed or went: the status
        // page, /api/backups and the report share one snapshot until then
        WatchedFiles watched = new WatchedFiles(catalog);
        r.bind("watchedFiles", watched);
        r.bind("backupFileFilter", new BackupFileFilter(catalog, watched));
        r.bind("unfinishedFile", new UnfinishedFile(clock));
        // the scanner's reader and inspector stages: Camel's pool, shut down when Camel stops
        r.bind(
                "backupInspector",
                new BackupInspector(
                        scanner(() -> context.getExecutorServiceManager().newCachedThreadPool(this, "scan")),
                        catalog.metadataReader(),
                        catalog));

        Map<String, Duration> maxAge = new HashMap<>();
        Map<String, Integer> keep = new HashMap<>();
        for (String c : Category.ids()) {
            maxAge.put(c, settings.duration("history.max-age-" + c));
            keep.put(c, settings.count("history.keep-" + c));
        }
        r.bind("categoryChecks", new CategoryChecks(catalog, maxAge, keep, clock));

        // the file checks, in the order of the verify route
        r.bind("sizeCheck", new SizeCheck(settings.minSize(), settings.maxSize()));
        r.bind("metadataCheck", new MetadataCheck(settings.flag("metadata.required")));
        r.bind("checksumCheck", new ChecksumCheck());
        r.bind("gzipIntegrityCheck", new GzipIntegrityCheck());
        r.bind("extractableCheck", new ExtractableCheck());
        r.bind("formatCheck", new FormatCheck());
        r.bind("dumpCompleteCheck", new DumpCompleteCheck());

        DataSource pool = DataSources.of(
                settings.get("results.db-url"), settings.get("results.db-user"), settings.get("results.db-password"));
        SchemaFirst gated = schemaInBackground ? new SchemaFirst(pool) : null;
        DataSource results = gated != null ? gated : pool;
        // results the store cannot take wait in the state directory until it answers again
        ResultsStore store =
                new ResultsStore(results, clock, settings.stateDir().resolve("results-spool"));
        if (gated != null) {
            gated.migrateInBackground(store::initIfBehindOrWarn);
        } else if (settings.flag("cluster.enabled")) {
            store.initWithin(CLUSTER_STORE_PATIENCE);
        } else {
            store.initOrWarn();
        }
        ResultsQueries queries = new ResultsQueries(results);
        r.bind("resultsDataSource", results);
        r.bind(
                "sizeAnomalyCheck",
                new SizeAnomalyCheck(
                        catalog,
                        settings.count("history.size-backups"),
                        settings.fraction("history.size-ratio"),
                        queries::failedIn));
        r.bind("resultsStore", store);
        r.bind("resultsQueries", queries);
        r.bind("suspectRestores", new SuspectRestores(store, queries, clock));
        // watcher idempotency: keys are SHA-256 hex (64 chars), within the table's 100-character column
        ResilientMessageIdRepository verified = new ResilientMessageIdRepository(results, "watch-backups");
        r.bind("verifiedBackups", verified);
        r.bind("watchReadLock", watchReadLock(context, results, verified));
        if (settings.flag("cluster.enabled")) {
            // several nodes: every metric (Camel's and the product's) carries this node's name as the label node
            Set<MeterRegistry> made = r.findByType(MeterRegistry.class);
            if (made.isEmpty()) {
                PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                metrics.config().commonTags("node", ClusterNode.name());
                r.bind(
                        "metricsRegistry",
                        metrics); // the name camel-micrometer-prometheus looks up before it makes its own
            } else { // made by camel-main already (service mode): the meters registered from now on, routes' and ours
                made.forEach(m -> m.config().commonTags("node", ClusterNode.name()));
            }
            // several nodes share this store: the timers fire once between them
            context.getComponent("quartz", QuartzComponent.class)
                    .setProperties(ClusteredTimers.quartzProperties(results));
        }

        r.bind("reportRows", new ReportRows(catalog, queries));
        r.bind(
                "reportWriter",
                new ReportWriter(
                        settings.logDir(),
                        settings.backupDir(),
                        r.lookupByNameAndType("categoryChecks", CategoryChecks.class),
                        queries,
                        clock));
        r.bind("runLog", new RunLog(settings.logDir(), clock));
        r.bind("runs", new Runs());
        r.bind("backupDone", new BackupDone());
        boolean clustered = settings.flag("cluster.enabled");
        Duration resendAfter = settings.duration("alert.resend-interval");
        Consumer<AlertMail> keepAlert;
        if (clustered) {
            // several nodes: the outbox is a table they share, and they take the alert decisions in turn
            SharedAlertOutbox shared =
                    new SharedAlertOutbox(results, clock, resendAfter, claimLease(), ClusterNode.name());
            r.bind("alertOutbox", shared);
            keepAlert = shared::keep;
        } else {
            AlertOutbox outbox = new AlertOutbox(settings.outboxDir(), clock, resendAfter);
            r.bind("alertOutbox", outbox);
            keepAlert = outbox::keep;
        }
        r.bind(
                "alerts",
                new Alerts(
                        new AlertState(results, clock, clustered),
                        new AlertMailRenderer(
                                AlertMailRenderer.localHostName(),
                                List.of(settings.logDir(), settings.restoreLogDir())),
                        keepAlert));
        r.bind(
                "mailProperties",
                SmtpDeadline.guard(settings.mailProperties(), settings.duration("alert.smtp-timeout")));
        // restore tests: an embedded server per test, or the external TEST_DB_HOST shared by all
        ExternalTarget external = settings.get("test-db.host").isEmpty()
                ? null
                : new ExternalTarget(
                        settings.get("test-db.host"),
                        settings.port("test-db.port"),
                        settings.get("test-db.user"),
                        settings.get("test-db.password"));
        RestoreTester.Options options = new RestoreTester.Options(
                        settings.get("db.name"),
                        settings.restoreParallelism(),
                        settings.restoreWorkDir(),
                        settings.get("restore.pg-bin-dir"),
                        settings.minTables(),
                        settings.keyTables(),
                        settings.flag("restore.key-tables-not-empty"),
                        consistency)
                .withLimits(
                        settings.duration("restore.timeout"),
                        settings.duration("restore.statement-timeout"),
                        settings.size("restore.max-statement"))
                .withExpansionLimits(settings.maxExpandedSize(), settings.maxExpansionRatio())
                .withReindex(settings.flag("restore.reindex"));
        Supplier<RestoreTarget> targets = external != null
                ? () -> external
                : () -> new EmbeddedTarget(settings.restoreWorkDir(), settings.get("restore.embedded-user"));
        // when the application stops (after in-flight restore tests), no embedded server outlives it
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    EmbeddedTarget.closeAll();
                    if (pool instanceof Closeable closeable) { // the results store's connection pool
                        try {
                            closeable.close();
                        } catch (IOException e) {
                            // closing: nothing left to do
                        }
                    }
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("Cannot register the embedded server cleanup: " + e.getMessage(), e);
        }
        r.bind(
                "restoreTester",
                new RestoreTester(options, targets, external != null, catalog, catalog.metadataReader(), clock));
        r.bind("restoreAttachment", new RestoreAttachment());
        r.bind("restoreLog", new RunLog(settings.restoreLogDir(), "restore_test", "Starting restore test", clock));
        r.bind(
                "testDatabaseCleanup",
                new TestDatabaseCleanup(
                        external, settings.restoreWorkDir(), settings.count("test-db.retention-days"), clock));

        r.bind(
                "logMaintenance",
                new LogMaintenance(
                        List.of(settings.logDir(), settings.restoreLogDir()),
                        settings.duration("logs.archive-after"),
                        settings.duration("logs.delete-after"),
                        settings.size("logs.max-size"),
                        clock));
        r.bind("metrics", new Metrics(() -> {
            // Camel's Prometheus registry when metrics are on (service mode); else none, and nothing is recorded that
            // nobody could read (a private registry cost a one-shot command a hundred classes and a histogram)
            Set<MeterRegistry> found = context.getRegistry().findByType(MeterRegistry.class);
            return found.isEmpty() ? null : found.iterator().next();
        }));
        r.bind("resultsStoreHealth", new ResultsStoreHealthCheck(store));
        r.bind("backupDirectoryHealth", new BackupDirectoryHealthCheck(settings.backupDir()));
        // the status page asks it only with CLUSTER_ENABLED (it reads the cluster's tables on PostgreSQL)
        ClusterView cluster = new ClusterView(results, ClusterNode.name());
        r.bind("clusterView", cluster);
        if (settings.flag("cluster.enabled")) {
            r.bind("clusterHealth", new ClusterHealthCheck(cluster));
        }
        LiveDatabaseCheck live = new LiveDatabaseCheck(
                new LiveDatabaseCheck.Target(
                        settings.get("database.type"),
                        settings.get("db.host"),
                        settings.port("db.port"),
                        settings.get("db.user"),
                        settings.get("db.password"),
                        settings.get("db.name")),
                settings.keyTables(),
                consistency);
        r.bind("liveDatabaseCheck", live);
        r.bind("liveDatabase", live.dataSource()); // jdbc:liveDatabase in check-db.yaml
        r.bind(
                "verifyPool",
                context.getExecutorServiceManager().newFixedThreadPool(this, "verify", settings.parallelism()));
    }

    /**
     * How long a node's claim on a shared alert holds: longer than a delivery with all its retries
     * (each within SMTP_TIMEOUT, with doubling back-off) may take, so only a dead node's claim runs out.
     */
    private Duration claimLease() {
        int retries = settings.count("alert.retries");
        Duration smtp = settings.duration("alert.smtp-timeout");
        Duration delay = settings.duration("alert.retry-delay");
        return smtp.multipliedBy(retries + 1L)
                .plus(delay.multipliedBy(1L << Math.min(retries + 1, 20)))
                .plusMinutes(1);
    }

    /**
     * The watcher's read lock: the stable-for check, and with CLUSTER_ENABLED (several nodes share the
     * backup directory and the PostgreSQL results store) a lock row there, so one node verifies a backup.
     */
    private GenericFileExclusiveReadLockStrategy<File> watchReadLock(
            CamelContext context, DataSource results, ResilientMessageIdRepository verified) {
        long stableFor = settings.duration("watch.stable-for").toMillis();
        // looks a few times per stable time, so a file is taken soon after it became stable
        WatchReadLock.Timing timing = new WatchReadLock.Timing(
                Math.max(100, stableFor / 4),
                stableFor,
                settings.duration("watch.lock-timeout").toMillis());
        if (!settings.flag("cluster.enabled")) {
            return WatchReadLock.single(timing);
        }
        WatchReadLock.Clustered lock =
                WatchReadLock.clustered(timing, results, context, verified, settings.duration("watch.lock-max-age"));
        try {
            context.addService(lock.locks()); // its table, and the keep-alive of this node's rows, with the application
        } catch (Exception e) {
            throw new IllegalStateException("Cannot register the watcher's cluster lock: " + e.getMessage(), e);
        }
        return lock;
    }
}
