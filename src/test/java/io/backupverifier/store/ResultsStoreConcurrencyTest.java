package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.Verification;
import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify --all saves results from a pool of threads into the embedded SQLite store: every
 * result must reach the store, none wait in the spool as if the store were away
 * (SQLITE_BUSY from a read transaction that turns into a write).
 */
class ResultsStoreConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void parallelSavesAllReachTheSqliteStore() throws Exception {
        Path spool = dir.resolve("spool");
        DataSource data = DataSources.of("jdbc:sqlite:" + dir.resolve("results.db"), "", "");
        ResultsStore store = new ResultsStore(data, Clock.systemUTC(), spool);
        ResultsQueries queries = new ResultsQueries(data);
        // as in a command: no init(), the first saves of the pool create the schema while others write
        Verification v = Fixtures.verify(Fixtures.backup(dir, "shop.sql.gz", "backup_20251227_120000.gz"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> saves = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                saves.add(pool.submit(() -> {
                    queries.failedIn(v.category()); // size_anomaly's history, read while others write
                    store.save(v);
                    return queries.counters();
                }));
            }
            for (Future<?> f : saves) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.pending()).as("results waiting in the spool").isZero();
        assertThat(queries.verificationsOf(v.file().toString(), null)).hasSize(200);
    }

    @Test
    void theOutageWarningEscapesTheBackupsName() throws Exception {
        // the store's file cannot be opened (a directory stands there): the result waits in the spool, said once on
        // stderr
        Files.createDirectories(dir.resolve("results.db"));
        ResultsStore store = new ResultsStore(
                DataSources.of("jdbc:sqlite:" + dir.resolve("results.db"), "", ""),
                Clock.systemUTC(),
                dir.resolve("spool"));
        Verification v =
                Fixtures.verify(Fixtures.backup(dir, "shop.sql.gz", "backup_x\n[SUCCESS] forged\u001b[31m.gz"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            store.save(v);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("result of backup_x\\n[SUCCESS] forged\\x1b[31m.gz and later results wait");
        assertThat(text).doesNotContain("\u001b").doesNotContain("\n[SUCCESS]");
        assertThat(store.pending()).isEqualTo(1);
    }
}
