package io.backupverifier.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.report.VerificationLines;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DESIGN §5: FAILED if any check failed, else ERROR if any could not run, else WARNING, else PASSED. */
class OverallStatusTest {

    private static BackupResult of(CheckResult... results) {
        Map<String, CheckResult> checks = new LinkedHashMap<>();
        for (int i = 0; i < results.length; i++) {
            checks.put("check" + i, results[i]);
        }
        return new BackupResult() {
            public Path file() {
                return Path.of("/srv/backups/b.gz");
            }

            public String category() {
                return "daily";
            }

            public long sizeBytes() {
                return 1;
            }

            public Map<String, CheckResult> checks() {
                return checks;
            }

            public ResultKind resultKind() {
                return ResultKind.RESTORE;
            }
        };
    }

    @Test
    void errorRanksBetweenFailedAndWarning() {
        assertThat(of(CheckResult.warning("w"), CheckResult.error("e"), CheckResult.passed("p"))
                        .status())
                .isEqualTo(CheckStatus.ERROR);
        assertThat(of(CheckResult.error("e"), CheckResult.failed("f")).status()).isEqualTo(CheckStatus.FAILED);
        assertThat(of(CheckResult.error("e"), CheckResult.warning("w")).status())
                .isEqualTo(CheckStatus.ERROR);
        assertThat(of(CheckResult.skipped("s"), CheckResult.warning("w")).status())
                .isEqualTo(CheckStatus.WARNING);
    }

    @Test
    void anErrorAlertsAndNamesItsCheckLikeAFailure() {
        BackupResult r = of(CheckResult.passed("p"), CheckResult.error("Test server unreachable: connection refused"));
        assertThat(r.isFailed()).isTrue();
        assertThat(r.failedChecks()).containsExactly("check1");
        assertThat(VerificationLines.of(r)
                        .get(VerificationLines.of(r).size() - 1)
                        .toString())
                .isEqualTo(
                        "[ERROR] Restore test could not complete (ERROR): b.gz (check1): the backup's state is unknown");
        assertThat(VerificationLines.summary(List.of(r, of(CheckResult.passed("p"))))
                        .toString())
                .isEqualTo(
                        "[ERROR] Restore-tested 2 backups: 1 passed, 0 with warnings, 0 failed, 1 could not be checked (ERROR)");
    }
}
