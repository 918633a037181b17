package io.backupverifier.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.ResultKind;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert state's keys are stored in the results store: existing databases need the very same strings. */
class AlertStateKeyTest {

    private static BackupResult result(ResultKind kind) {
        return new BackupResult() {
            @Override
            public Path file() {
                return Path.of("/backups/daily/backup_20251227_120000.gz");
            }

            @Override
            public String category() {
                return "daily";
            }

            @Override
            public long sizeBytes() {
                return 1;
            }

            @Override
            public Map<String, CheckResult> checks() {
                return Map.of();
            }

            @Override
            public ResultKind resultKind() {
                return kind;
            }
        };
    }

    @Test
    void keysAndGroupsKeepTheirStoredPrefixes() {
        String file = Path.of("/backups/daily/backup_20251227_120000.gz")
                .toAbsolutePath()
                .toString();
        assertThat(AlertState.key(result(ResultKind.VERIFY))).isEqualTo("verify:" + file);
        assertThat(AlertState.key(result(ResultKind.RESTORE))).isEqualTo("restore:" + file);
        assertThat(AlertState.key(result(ResultKind.LIVE_DB))).isEqualTo("livedb:" + file);
        assertThat(AlertState.key(result(ResultKind.HISTORY))).isEqualTo("history:" + file);
        assertThat(AlertState.group(result(ResultKind.RESTORE))).isEqualTo("restore:daily");
    }

    @Test
    void runNamesAreTheOutputsWording() {
        assertThat(result(ResultKind.VERIFY).runName()).isEqualTo("Backup verification");
        assertThat(result(ResultKind.RESTORE).runName()).isEqualTo("Restore test");
        assertThat(result(ResultKind.LIVE_DB).runName()).isEqualTo("Database check");
        assertThat(result(ResultKind.HISTORY).runName()).isEqualTo("History check");
    }
}
