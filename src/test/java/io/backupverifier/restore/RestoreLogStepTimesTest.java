package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.checks.CheckResult;
import io.backupverifier.report.RunLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore test takes hours: its log says when each step happened, not only when the verdict was written. */
class RestoreLogStepTimesTest {

    @TempDir
    Path dir;

    /** A clock a test moves forward, as a long restore would. */
    private static final class SteppedClock extends Clock {
        private Instant now = Instant.parse("2026-01-05T02:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void eachLineCarriesTheTimeItsStepHappened() throws Exception {
        SteppedClock clock = new SteppedClock();
        List<String> heard = new ArrayList<>();
        RestoreResult r = new RestoreResult(dir.resolve("backup_20260105_010000.gz"), "daily", 100);
        r.observe(
                new RestoreProgress() {
                    @Override
                    public void started(Path backup) {}

                    @Override
                    public void recorded(Path backup, String checkId, CheckResult result) {
                        heard.add(checkId + " " + result.status());
                    }
                },
                clock);
        clock.advance(Duration.ofMinutes(90));
        r.record("restore", CheckResult.passed("Backup restored successfully"));
        clock.advance(Duration.ofMinutes(5));
        r.record("reindex", CheckResult.passed("Database REINDEX completed"));
        clock.advance(Duration.ofMinutes(1));

        RunLog log = new RunLog(dir, "restore_test", "Starting restore test", clock);
        String file = log.newRun();
        log.write(r, file);

        assertThat(heard).containsExactly("restore PASSED", "reindex PASSED");
        assertThat(Files.readAllLines(Path.of(file)))
                .containsExactly(
                        "[2026-01-05 03:36:00] [INFO] Starting restore test",
                        "[2026-01-05 02:00:00] [INFO] Restore test of backup: "
                                + dir.resolve("backup_20260105_010000.gz").toAbsolutePath(),
                        "[2026-01-05 03:30:00] [SUCCESS] Backup restored successfully",
                        "[2026-01-05 03:35:00] [SUCCESS] Database REINDEX completed",
                        "[2026-01-05 03:36:00] [SUCCESS] Restore test completed: backup_20260105_010000.gz");
    }
}
