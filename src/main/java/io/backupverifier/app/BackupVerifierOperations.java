package io.backupverifier.app;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.catalog.RegularFiles;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.report.LogLine;
import io.backupverifier.run.RunResult;
import io.backupverifier.run.RunRoute;
import io.backupverifier.store.ResultsQueries;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;

/**
 * The {@code io.backupverifier:type=BackupVerifier} MBean: verify, restore-test and report
 * over JMX through the same routes as everything else, and the headline counters.
 */
@ManagedResource(description = "backup-verifier: verify, restore test and report operations, and the headline counters")
public final class BackupVerifierOperations {

    private final CamelContext camel;
    private final BackupCatalog catalog;
    private final ResultsQueries store;

    public BackupVerifierOperations(CamelContext camel, BackupCatalog catalog, ResultsQueries store) {
        this.camel = camel;
        this.catalog = catalog;
        this.store = store;
    }

    /** Runs a use case through its route, as the timers and the commands do. */
    private RunResult run(String route, Object body, Map<String, ?> headers) {
        try (ProducerTemplate t = camel.createProducerTemplate()) {
            return RunRoute.call(t, route, body, headers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per backup, then what the run could not do. */
    private static String lines(RunResult run) {
        List<String> out = new ArrayList<>(
                run.results().stream().map(BackupVerifierOperations::line).toList());
        out.addAll(run.notDone());
        out.addAll(run.problems());
        return String.join("\n", out);
    }

    private static String line(BackupResult r) {
        return LogLine.printable(String.valueOf(r.file().getFileName())) + ": " + r.status()
                + (r.failedChecks().isEmpty() ? "" : " (" + String.join(", ", r.failedChecks()) + ")");
    }

    /**
     * The backup a caller named, if it is one: under BACKUP_DIR by its real path (no link or
     * {@code ..} leads out), a regular file, and a backup by the catalog's rules. JMX and Jolokia
     * callers get nothing else, not even the verdict on a file elsewhere on the host.
     */
    Path backupNamed(String path) {
        Path p;
        try {
            p = Path.of(path).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Refused: '" + LogLine.printable(String.valueOf(path)) + "' is not a file path");
        }
        Path root = catalog.backupDir();
        if (!catalog.files().isUnderRoot(p)) {
            throw new IllegalArgumentException(
                    "Refused: " + LogLine.printable(p.toString()) + " is not under the backup directory " + root);
        }
        try {
            catalog.files().check(p);
        } catch (RegularFiles.RefusedFileException e) {
            throw new IllegalArgumentException("Refused: " + LogLine.printable(e.getMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException("Refused: no such backup " + LogLine.printable(p.toString()));
        }
        if (!catalog.isBackup(p)) {
            throw new IllegalArgumentException("Refused: " + LogLine.printable(p.toString())
                    + " is not a backup (a sidecar, a temporary file or this program's own file)");
        }
        return p;
    }

    @ManagedOperation(
            description = "Verify one backup file under the backup directory; returns its status and failed checks")
    public String verifyFile(String path) {
        return lines(run("direct:verify-run", List.of(backupNamed(path)), Map.of("withAlert", true)));
    }

    @ManagedOperation(
            description =
                    "Verify every backup and the categories' freshness and retention; returns one line per backup")
    public String verifyAll() {
        return lines(run("direct:verify-run", catalog.list(), Map.of("withHistory", true, "withAlert", true)));
    }

    @ManagedOperation(
            description =
                    "Restore-test one backup under the backup directory into an isolated database; returns its status")
    public String restoreTest(String path) {
        return lines(run("direct:restore-run", List.of(backupNamed(path)), Map.of("withAlert", true)));
    }

    @ManagedOperation(description = "Write the verification report (text, HTML, JSON); returns its subject line")
    public String generateReport() {
        RunResult run = run("direct:report-run", null, Map.of());
        if (run.reportMail() == null) {
            throw new IllegalStateException(String.join("; ", run.problems()));
        }
        return run.reportMail().subject();
    }

    @ManagedAttribute(description = "Backups in the backup directory")
    public int getBackupsKnown() {
        return catalog.list().size();
    }

    @ManagedAttribute(description = "Backups whose latest verification passed (warnings allowed)")
    public int getVerified() {
        return store.counters().verified();
    }

    @ManagedAttribute(description = "Backups whose latest verification FAILED")
    public int getFailed() {
        return store.counters().failed();
    }

    @ManagedAttribute(description = "Verified backups among all verified, in percent")
    public double getPassRate() {
        ResultsQueries.Counters c = store.counters();
        int all = c.verified() + c.failed();
        return all == 0 ? 0 : Math.round(1000.0 * c.verified() / all) / 10.0;
    }

    @ManagedAttribute(description = "When a backup was last verified")
    public String getLastRunTime() {
        return when(store.counters().lastRun());
    }

    @ManagedAttribute(description = "The last backup that FAILED, and when")
    public String getLastFailure() {
        return store.counters().lastFailure();
    }

    @ManagedAttribute(description = "When a restore test last passed")
    public String getLastSuccessfulRestoreTest() {
        return when(store.counters().lastSuccessfulRestore());
    }

    private static String when(long millis) {
        return millis == 0 ? "never" : Instant.ofEpochMilli(millis).toString();
    }
}
