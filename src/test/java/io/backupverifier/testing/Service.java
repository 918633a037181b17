package io.backupverifier.testing;

import io.backupverifier.app.BackupVerifierApp;
import io.backupverifier.config.Settings;
import io.backupverifier.store.ResultsQueries;
import io.backupverifier.store.ResultsStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.support.ScheduledPollConsumer;

/**
 * The real application in service mode (routes from routes/*.yaml) on temporary
 * directories: backups in {@code root/backups}, everything it writes in {@code root/own},
 * outside the backup directory so tests can prove the backup directory is left alone.
 */
public final class Service implements AutoCloseable {

    public final Path backups;
    public final Path own;
    /** A Quartz cron that does not fire in a test's lifetime. */
    public static final String NEVER = "0 0 0 1 1 ? 2099";
    /** Which of Camel's MBeans are registered: ContextOnly, RoutesOnly or Default (everything, as in production). */
    public static final String MBEANS_LEVEL = "camel.main.jmxManagementMBeansLevel";

    private final Map<String, String> env = new HashMap<>();
    /** Property values that win over the environment, as a command-line flag does; Camel's camel.* keys too. */
    private final Map<String, String> properties = new HashMap<>();

    private BackupVerifierApp app;
    private CamelContext camel;

    public Service(Path root) {
        this.backups = root.resolve("backups");
        this.own = root.resolve("own");
        env.put("BACKUP_DIR", backups.toString());
        env.put("VERIFICATION_LOG_DIR", own.resolve("logs").toString());
        env.put("RESTORE_LOG_DIR", own.resolve("restore_logs").toString());
        env.put("WATCH_POLL_INTERVAL", "200ms");
        env.put("WATCH_STABLE_FOR", "1s");
        env.put("WATCH_LOCK_TIMEOUT", "3s");
        env.put("HTTP_PORT", "0"); // no HTTP unless a test asks for it
        // no timer fires unless a test sets it: the defaults (hourly freshness at :15) would add
        // their own runs and alerts to whatever test happens to run across them
        for (String timer : List.of(
                "DAILY_VERIFY_CRON",
                "WEEKLY_RESTORE_CRON",
                "MAINTENANCE_CRON",
                "DAILY_REPORT_CRON",
                "FRESHNESS_CRON")) {
            env.put(timer, NEVER);
        }
        // Camel's MBeans for the context and each route (what an operator suspends, resumes and reads), not one per
        // processor, endpoint and service: registering those was the largest part of a start (two fifths of its CPU
        // samples). A test of JMX itself asks
        // for them all with property(MBEANS_LEVEL, "Default").
        properties.put(MBEANS_LEVEL, "RoutesOnly");
        // Quartz ends its idle workers at once instead of letting each finish a 0.5 s wait: no job can be running
        // then, as the routes (and the exchanges a cron started) have stopped before the component does
        properties.put("camel.component.quartz.interruptJobsOnShutdown", "true");
    }

    public Service env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** A property set as a command-line flag sets it, over the environment: one of ours, or Camel's camel.* ones. */
    public Service property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    public Service start() throws Exception {
        Files.createDirectories(backups);
        Path config = Path.of("config/application.properties");
        Settings settings = Settings.load(config, own, env, properties);
        app = new BackupVerifierApp(
                settings, Path.of(""), config, BackupVerifierApp.Mode.SERVICE, Clock.systemDefaultZone());
        camel = app.start();
        return this;
    }

    public CamelContext camel() {
        return camel;
    }

    public ResultsStore store() {
        return camel.getRegistry().lookupByNameAndType("resultsStore", ResultsStore.class);
    }

    /** The service's reads of the results store. */
    public ResultsQueries queries() {
        return camel.getRegistry().lookupByNameAndType("resultsQueries", ResultsQueries.class);
    }

    /** How many verifications of this backup are recorded. */
    public int verifications(Path backup) {
        return queries()
                .verificationsOf(backup.toAbsolutePath().normalize().toString(), null)
                .size();
    }

    /** The status of the backup's latest recorded verification; null when there is none. */
    public String latestStatus(Path backup) {
        ResultsQueries.VerificationRow latest = queries()
                .latestVerifications()
                .get(backup.toAbsolutePath().normalize().toString());
        return latest == null ? null : latest.status();
    }

    /**
     * Waits until the watcher has finished {@code polls} whole polls that began after this call. Its polls run one
     * after the other, each taking (and verifying, before the next) every file that is new and stable: a file it
     * would take again would have been taken by then. An event, not a timed wait: a slow machine waits longer.
     */
    public void awaitWatcherPolls(int polls) throws InterruptedException {
        ScheduledPollConsumer watcher =
                (ScheduledPollConsumer) camel.getRoute("watch-backups").getConsumer();
        long started = watcher.getCounter(); // counts each poll as it begins
        await(
                polls + " whole polls of the watcher",
                Duration.ofSeconds(30),
                () -> watcher.getCounter() > started + polls);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Stops the service as systemd does: Camel lets the exchanges in flight (a mail being sent) finish first. */
    public void stop() {
        if (app != null) {
            try {
                app.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("Stopping the service failed: " + e.getMessage(), e);
            } finally {
                app = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
