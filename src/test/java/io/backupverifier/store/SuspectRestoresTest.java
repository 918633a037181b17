package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.Verification;
import io.backupverifier.restore.RestoreAttachment;
import io.backupverifier.restore.RestoreProgress;
import io.backupverifier.restore.RestoreResult;
import io.backupverifier.restore.RestoreTester;
import io.backupverifier.sidecar.MetadataReader;
import io.backupverifier.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suspect backup's restore verdict is remembered only for the content the restore test read: whoever
 * can write the backup directory may put other content in place for the restore test, with the
 * modification time set back, and the original back afterwards. Real files, a real SQLite restore
 * test, a real results store.
 */
class SuspectRestoresTest {

    @TempDir
    Path dir;

    DataSource data;
    SuspectRestores suspect;
    Path backup;
    FileTime modified;

    @BeforeEach
    void setUp() throws Exception {
        data = DataSources.of("jdbc:sqlite:" + dir.resolve("results.db"), "", "");
        ResultsStore store = new ResultsStore(data, Clock.systemUTC());
        store.init();
        suspect = new SuspectRestores(store, new ResultsQueries(data), Clock.systemUTC());
        backup = Fixtures.write(dir.resolve("backups/app.sqlite3"), Fixtures.bytes("shop.sqlite"));
        modified = Files.getLastModifiedTime(backup);
    }

    @AfterEach
    void closeStore() {
        ((HikariDataSource) data).close();
    }

    private RestoreTester tester() {
        RestoreTester.Options o =
                new RestoreTester.Options("shop", 1, dir.resolve("work"), "", 1, List.of(), false, Map.of());
        return new RestoreTester(
                o,
                () -> {
                    throw new IllegalStateException("a SQLite restore test needs no server");
                },
                true,
                new BackupCatalog(dir.resolve("backups"), List.of("*"), List.of()),
                new MetadataReader(),
                Clock.systemUTC());
    }

    /** The verify route's steps for a suspect backup: recall, else restore-test, attach and remember. */
    private Verification verifyWithRestore(RestoreProgress duringTheTest) throws Exception {
        Verification v = suspect.recall(Fixtures.verify(backup));
        assertThat(v.isDataPossiblyIntact())
                .as("FAILED only on its missing sidecar")
                .isTrue();
        if (suspect.untested(v)) {
            RestoreTester tester = tester();
            AutoCloseable listening = tester.listen(duringTheTest);
            RestoreResult r;
            try {
                r = tester.test(backup);
            } finally {
                listening.close();
            }
            suspect.remember(new RestoreAttachment().attach(v, r));
        }
        return v;
    }

    /** Another good SQLite database: the original with one more table. */
    private byte[] otherDatabase() throws Exception {
        Path other = Fixtures.write(dir.resolve("other.sqlite3"), Fixtures.bytes("shop.sqlite"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE planted (id integer)");
        }
        return Files.readAllBytes(other);
    }

    private void put(byte[] content) {
        try {
            Fixtures.write(backup, content);
            Files.setLastModifiedTime(backup, modified);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aVerdictOnContentSwappedInDuringTheRestoreTestIsNeitherGivenNorRemembered() throws Exception {
        byte[] original = Files.readAllBytes(backup);
        byte[] other = otherDatabase();
        Verification v = verifyWithRestore(new RestoreProgress() {
            @Override
            public void started(Path file) {
                put(other); // after the verification's read, before the restore test's
            }

            @Override
            public void recorded(Path file, String checkId, CheckResult result) {}
        });
        put(original);
        CheckResult restore = v.check("restore");
        assertThat(restore.status()).isEqualTo(CheckStatus.ERROR);
        assertThat(restore.message()).startsWith("Backup changed while it was being tested");

        Verification again = verifyWithRestore(RestoreProgress.NONE);
        assertThat(again.check("restore").message())
                .as("restore-tested again: nothing was remembered for the original")
                .startsWith("Data restorable despite the failed file checks")
                .doesNotContain("unchanged since");
    }

    @Test
    void theVerdictOnTheContentVerifiedIsRemembered() throws Exception {
        Verification v = verifyWithRestore(RestoreProgress.NONE);
        assertThat(v.check("restore").status()).isEqualTo(CheckStatus.PASSED);

        Verification again = verifyWithRestore(new RestoreProgress() {
            @Override
            public void started(Path file) {
                throw new AssertionError("restore-tested again");
            }

            @Override
            public void recorded(Path file, String checkId, CheckResult result) {}
        });
        assertThat(again.check("restore").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(again.check("restore").message()).endsWith("unchanged since");
    }
}
