package io.backupverifier.ops;

import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.Verification;
import io.backupverifier.restore.RestoreResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The product's own metrics (Prometheus at /observe/metrics in service mode): verifications by
 * status and by failed check, last success time and latest size per category (so a Prometheus
 * alert on freshness needs no custom code), verification and restore durations, alerts sent
 * and queued. Each method returns what it was given, so routes call it as a step.
 */
public final class Metrics {

    private final Supplier<MeterRegistry> registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSize = new ConcurrentHashMap<>();

    /**
     * @param registry Camel's Prometheus registry in service mode; null when there is none (a one-shot command, metrics
     *                 turned off): nothing reads them then, and nothing is recorded
     */
    public Metrics(Supplier<MeterRegistry> registry) {
        this.registry = registry;
    }

    public Verification verified(Verification v) {
        MeterRegistry r = registry.get();
        if (r == null) {
            return v;
        }
        Counter.builder("backup_verifier_verifications")
                .description("Backup verifications by overall status")
                .tag("status", v.status().name())
                .tag("category", v.category())
                .register(r)
                .increment();
        for (Map.Entry<String, CheckResult> e : v.checks().entrySet()) {
            Counter.builder("backup_verifier_checks")
                    .description("Check verdicts by check id and status")
                    .tag("check", e.getKey())
                    .tag("status", e.getValue().status().name())
                    .register(r)
                    .increment();
        }
        Timer.builder("backup_verifier_verification_duration")
                .description("Time to verify one backup")
                .publishPercentileHistogram()
                .register(r)
                .record(Duration.ofMillis(v.scan().durationMillis()));
        gauge(r, lastSize, "backup_verifier_backup_size_bytes", "Size of the latest verified backup", v.category())
                .set(Math.max(0, v.scan().size()));
        if (!v.isFailed()) {
            gauge(
                            r,
                            lastSuccess,
                            "backup_verifier_last_success_timestamp_seconds",
                            "When a backup of the category last passed verification (Unix time)",
                            v.category())
                    .set(System.currentTimeMillis() / 1000);
        }
        return v;
    }

    public RestoreResult restored(RestoreResult rr) {
        MeterRegistry r = registry.get();
        if (r == null) {
            return rr;
        }
        Counter.builder("backup_verifier_restore_tests")
                .description("Restore tests by status")
                .tag("status", rr.status().name())
                .register(r)
                .increment();
        Timer.builder("backup_verifier_restore_duration")
                .description("Time to restore a backup into the test database")
                .publishPercentileHistogram()
                .register(r)
                .record(Duration.ofMillis(rr.restoreMillis()));
        return rr;
    }

    public <T> T alertSent(T mail) {
        MeterRegistry r = registry.get();
        if (r != null) {
            Counter.builder("backup_verifier_alerts")
                    .description("Alert mails by outcome")
                    .tag("outcome", "sent")
                    .register(r)
                    .increment();
        }
        return mail;
    }

    public <T> T alertQueued(T mail) {
        MeterRegistry r = registry.get();
        if (r != null) {
            Counter.builder("backup_verifier_alerts")
                    .description("Alert mails by outcome")
                    .tag("outcome", "queued")
                    .register(r)
                    .increment();
        }
        return mail;
    }

    private static AtomicLong gauge(
            MeterRegistry r, Map<String, AtomicLong> values, String name, String help, String category) {
        return values.computeIfAbsent(category, c -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get)
                    .description(help)
                    .tag("category", c)
                    .register(r);
            return value;
        });
    }
}
