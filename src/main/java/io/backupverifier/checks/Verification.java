package io.backupverifier.checks;

import io.backupverifier.scan.ScanResult;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A backup being verified: its facts, its sidecar, and the verdicts of the checks so far. */
public final class Verification {

    private final ScanResult scan;
    private final Metadata metadata;
    private final String category;
    private final Map<String, CheckResult> checks = new LinkedHashMap<>();

    public Verification(ScanResult scan, Metadata metadata, String category) {
        this.scan = scan;
        this.metadata = metadata;
        this.category = category;
    }

    public Path file() {
        return scan.file();
    }

    public ScanResult scan() {
        return scan;
    }

    public Metadata metadata() {
        return metadata;
    }

    public String category() {
        return category;
    }

    public synchronized void record(String checkId, CheckResult result) {
        checks.put(checkId, result);
    }

    public synchronized Map<String, CheckResult> checks() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    public CheckResult check(String id) {
        return checks().get(id);
    }

    /** FAILED if any check failed, else WARNING if any warned, else PASSED. */
    public CheckStatus status() {
        CheckStatus overall = CheckStatus.PASSED;
        for (CheckResult r : checks().values()) {
            if (r.status() == CheckStatus.FAILED) {
                return CheckStatus.FAILED;
            }
            if (r.status() == CheckStatus.WARNING) {
                overall = CheckStatus.WARNING;
            }
        }
        return overall;
    }

    public boolean isFailed() {
        return status() == CheckStatus.FAILED;
    }

    /** The ids of the checks that failed, in check order. */
    public List<String> failedChecks() {
        return checks().entrySet().stream().filter(e -> e.getValue().status() == CheckStatus.FAILED)
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public String toString() {
        return file() + " " + status() + " " + checks();
    }
}
