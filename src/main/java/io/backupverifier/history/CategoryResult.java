package io.backupverifier.history;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.ResultKind;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The checks of a category of backups rather than of one file: freshness and retention. */
public final class CategoryResult implements BackupResult {

    private final Path dir;
    private final String category;
    private final long totalBytes;
    private final Map<String, CheckResult> checks = new LinkedHashMap<>();

    CategoryResult(Path dir, String category, long totalBytes) {
        this.dir = dir;
        this.category = category;
        this.totalBytes = totalBytes;
    }

    void record(String id, CheckResult r) {
        checks.put(id, r);
    }

    /** The category's name under the backup directory: how alerts and logs name it. */
    @Override
    public Path file() {
        return dir.resolve(category);
    }

    @Override
    public String category() {
        return category;
    }

    @Override
    public long sizeBytes() {
        return totalBytes;
    }

    @Override
    public Map<String, CheckResult> checks() {
        return Collections.unmodifiableMap(checks);
    }

    @Override
    public ResultKind resultKind() {
        return ResultKind.HISTORY;
    }
}
