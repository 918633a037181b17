package io.backupverifier.livedb;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.ResultKind;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The read-only checks of the live database (check-db). */
public final class LiveDatabaseResult implements BackupResult {

    private final String location;
    private final Map<String, CheckResult> checks = new LinkedHashMap<>();

    LiveDatabaseResult(String location) {
        this.location = location;
    }

    void record(String id, CheckResult r) {
        checks.put(id, r);
    }

    @Override
    public Path file() {
        return Path.of(location.replace("://", "_").replace(':', '_'));
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public String category() {
        return "live";
    }

    @Override
    public long sizeBytes() {
        return 0;
    }

    @Override
    public Map<String, CheckResult> checks() {
        return Collections.unmodifiableMap(checks);
    }

    @Override
    public ResultKind resultKind() {
        return ResultKind.LIVE_DB;
    }
}
