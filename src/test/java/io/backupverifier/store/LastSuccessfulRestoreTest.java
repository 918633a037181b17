package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.CheckResult;
import io.backupverifier.restore.RestoreResult;
import io.backupverifier.restore.RestoreResults;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Last successful restore test" (report, status page, JMX) counts only restore tests that
 * passed: one that could not run (ERROR) proves nothing about the backup.
 */
class LastSuccessfulRestoreTest {

    @TempDir
    Path dir;

    @Test
    void onlyAPassedRestoreTestCountsAsSuccessful() {
        DataSource data = DataSources.of("jdbc:sqlite:" + dir.resolve("results.db"), "", "");
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T06:00:00Z"), ZoneOffset.UTC);
        ResultsStore store = new ResultsStore(data, clock);
        store.init();
        ResultsQueries queries = new ResultsQueries(data);
        Path backup = dir.resolve("backup_20261127_010000.gz");

        store.saveRestore(withRestore(backup, CheckResult.error("Test server unreachable")));
        store.saveRestore(withRestore(backup, CheckResult.failed("psql: relation missing")));
        assertThat(queries.lastSuccessfulRestores()).isEmpty();
        assertThat(queries.counters().lastSuccessfulRestore()).isZero();

        store.saveRestore(withRestore(backup, CheckResult.passed("Restored 3 tables")));
        assertThat(queries.lastSuccessfulRestores()).containsOnlyKeys(backup.toString());
        assertThat(queries.counters().lastSuccessfulRestore()).isPositive();
    }

    /**
     * Whoever writes the backup directory can let the weekly restore test read a good file, then put
     * other bytes under its name (sidecar to match, modification time set back): the report must not
     * show that file as restore-tested, for the restore test never read those bytes.
     */
    @Test
    void aRestoreTestCountsOnlyForTheContentItRead() {
        DataSource data = DataSources.of("jdbc:sqlite:" + dir.resolve("results.db"), "", "");
        ResultsStore store = new ResultsStore(data, Clock.systemUTC());
        store.init();
        ResultsQueries queries = new ResultsQueries(data);
        Path backup = Fixtures.backup(dir, "shop.sql.gz", "backup_20261127_010000.sql.gz");
        String tested = Fixtures.sha256(backup);

        store.save(Fixtures.verify(backup));
        store.saveRestore(RestoreResults.read(withRestore(backup, CheckResult.passed("Restored 3 tables")), tested));
        assertThat(queries.lastSuccessfulRestores()).containsOnlyKeys(backup.toString());

        Fixtures.append(backup, Fixtures.gzip("DROP TABLE users;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        store.save(Fixtures.verify(backup));
        assertThat(queries.lastSuccessfulRestores())
                .as("the file now holds bytes no restore test read")
                .isEmpty();

        store.saveRestore(RestoreResults.read(
                withRestore(backup, CheckResult.passed("Restored 3 tables")), Fixtures.sha256(backup)));
        assertThat(queries.lastSuccessfulRestores()).containsOnlyKeys(backup.toString());
    }

    private static RestoreResult withRestore(Path backup, CheckResult restore) {
        RestoreResult r = RestoreResults.passed(backup, "daily", 10, 5, Map.of("public.users", 3L));
        r.record("restore", restore);
        return r;
    }
}
