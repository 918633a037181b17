package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.Verification;
import io.backupverifier.testing.Fixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code restore} check a suspect backup gets says what the restore test found, warnings included. */
class RestoreAttachmentTest {

    @TempDir
    Path dir;

    @Test
    void aRestoreTestWithAWarningIsAWarningNotAllPassed() throws Exception {
        CheckResult restore = attached(CheckResult.warning("2 indexes of other access methods not checked"));

        assertThat(restore.status()).isEqualTo(CheckStatus.WARNING);
        assertThat(restore.message())
                .startsWith("Data restorable despite the failed file checks, with a warning (amcheck): ")
                .contains("2 indexes of other access methods not checked");
    }

    @Test
    void aRestoreTestThatPassedEveryCheckPasses() throws Exception {
        CheckResult restore = attached(null);

        assertThat(restore.status()).isEqualTo(CheckStatus.PASSED);
        assertThat(restore.message()).contains("all restore checks passed (Restored 3 tables)");
    }

    /** The restore check a suspect backup gets from a restore test of its own content, with an amcheck verdict or none. */
    private CheckResult attached(CheckResult amcheck) throws Exception {
        Verification v = Fixtures.verify(Fixtures.backup(dir, "shop.sql.gz", "backup_20251227_120000.gz"));
        RestoreResult r = RestoreResults.read(
                RestoreResults.passed(v.file(), "daily", 10, 5, Map.of("public.users", 3L)),
                v.scan().sha256());
        r.record("restore", CheckResult.passed("Restored 3 tables"));
        if (amcheck != null) {
            r.record("amcheck", amcheck);
        }
        return new RestoreAttachment().attach(v, r).check(CheckId.RESTORE.id());
    }
}
