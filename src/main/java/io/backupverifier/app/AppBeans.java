package io.backupverifier.app;

import io.backupverifier.alert.AlertOutbox;
import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupInspector;
import io.backupverifier.checks.ChecksumCheck;
import io.backupverifier.checks.DumpCompleteCheck;
import io.backupverifier.checks.ExtractableCheck;
import io.backupverifier.checks.FormatCheck;
import io.backupverifier.checks.GzipIntegrityCheck;
import io.backupverifier.checks.MetadataCheck;
import io.backupverifier.checks.MetadataReader;
import io.backupverifier.checks.SizeCheck;
import io.backupverifier.config.Settings;
import io.backupverifier.report.RunLog;
import io.backupverifier.scan.BackupScanner;
import io.backupverifier.scan.ScanProgress;
import io.backupverifier.store.DataSources;
import io.backupverifier.store.ResultsStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.Registry;

/**
 * The beans the routes call by name. Everything is plain Java built from {@link Settings};
 * this class is the one place that wires it for Camel.
 */
public final class AppBeans implements CamelConfiguration {

    private final Settings settings;
    private final Clock clock;

    public AppBeans(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext context) {
        Registry r = context.getRegistry();
        BackupCatalog catalog = new BackupCatalog(settings.backupDir(), settings.include(), settings.ownDirs());
        ScanProgress progress = new ScanProgress();
        r.bind("settings", settings);
        r.bind("scanProgress", progress);
        r.bind("backupCatalog", catalog);
        r.bind("backupFileFilter", new BackupFileFilter(catalog));
        r.bind("backupInspector", new BackupInspector(new BackupScanner(progress), new MetadataReader(), catalog));

        // the file checks, in the order of the verify route
        r.bind("sizeCheck", new SizeCheck(settings.minSize(), settings.maxSize()));
        r.bind("metadataCheck", new MetadataCheck());
        r.bind("checksumCheck", new ChecksumCheck());
        r.bind("gzipIntegrityCheck", new GzipIntegrityCheck());
        r.bind("extractableCheck", new ExtractableCheck());
        r.bind("formatCheck", new FormatCheck());
        r.bind("dumpCompleteCheck", new DumpCompleteCheck());

        DataSource results = DataSources.of(settings.get("results.db-url"), settings.get("results.db-user"),
                settings.get("results.db-password"));
        ResultsStore store = new ResultsStore(results, clock);
        store.initOrWarn();
        r.bind("resultsDataSource", results);
        r.bind("resultsStore", store);
        // watcher idempotency: keys are SHA-256 hex (64 chars), within the table's 100-character column
        r.bind("verifiedBackups", new JdbcMessageIdRepository(results, "watch-backups"));

        r.bind("runLog", new RunLog(settings.logDir(), clock));
        r.bind("alertOutbox", new AlertOutbox(settings.outboxDir(), clock));
        r.bind("verifyPool", context.getExecutorServiceManager().newFixedThreadPool(this, "verify", settings.parallelism()));
    }
}
