package io.backupverifier.checks;

import io.backupverifier.report.LogLine;
import io.backupverifier.scan.ContentKind;
import io.backupverifier.scan.ScanResult;
import io.backupverifier.sidecar.Metadata;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A backup being verified: its facts, its sidecar, and the verdicts of the checks so far. */
public final class Verification implements BackupResult {

    private final ScanResult scan;
    private final Metadata metadata;
    private final String category;
    private final Map<String, CheckResult> checks = new LinkedHashMap<>();
    private volatile String restoreTestedSha256;

    public Verification(ScanResult scan, Metadata metadata, String category) {
        this.scan = scan;
        this.metadata = metadata;
        this.category = category;
    }

    @Override
    public Path file() {
        return scan.file();
    }

    public ScanResult scan() {
        return scan;
    }

    public Metadata metadata() {
        return metadata;
    }

    @Override
    public String category() {
        return category;
    }

    public synchronized void record(String checkId, CheckResult result) {
        checks.put(checkId, result);
    }

    @Override
    public synchronized Map<String, CheckResult> checks() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    public CheckResult check(String id) {
        return checks().get(id);
    }

    /**
     * The SHA-256 of the file as the restore test attached here read it (the content its verdict is
     * about); null when there was none, or it did not read the whole file.
     */
    public String restoreTestedSha256() {
        return restoreTestedSha256;
    }

    public void restoreTestedSha256(String sha256) {
        this.restoreTestedSha256 = sha256;
    }

    @Override
    public long sizeBytes() {
        return scan.size();
    }

    @Override
    public ResultKind resultKind() {
        return ResultKind.VERIFY;
    }

    /**
     * Failed, but only on the sidecar or checksum while the data itself read cleanly: a restore
     * test can still tell whether the data is good.
     */
    public boolean isDataPossiblyIntact() {
        List<String> failed = failedChecks();
        return !failed.isEmpty()
                && List.of(CheckId.METADATA.id(), CheckId.CHECKSUM.id()).containsAll(failed)
                && scan.content().kind() != ContentKind.UNKNOWN
                && scan.content().kind() != ContentKind.EMPTY;
    }

    /**
     * The backup's path as text for a log line: never the file's content (a {@code Path} in a
     * Camel expression is converted by reading the file), control characters escaped.
     */
    public String logName() {
        return LogLine.printable(file().toString());
    }

    @Override
    public String toString() {
        return file() + " " + status() + " " + checks();
    }
}
