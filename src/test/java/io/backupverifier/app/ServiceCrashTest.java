package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the service process, then a restart: no verdict and no alert is lost. */
class ServiceCrashTest {

    /**
     * The backup's size: read and hashed whole for a second or more, a window the test's checks every 50 ms do
     * not miss; each size more is paid twice (written, then verified after the restart).
     */
    private static final long SIZE = 100L * 1024 * 1024;

    @TempDir
    Path root;

    @Test
    void backupBeingVerifiedWhenTheServiceIsKilledIsVerifiedAndAlertedAfterTheRestart() throws Exception {
        Path big;
        try (ServiceProcess service = new ServiceProcess(root).start()) {
            // started first: the wait for the read below is then only the read's, not a start's on a busy machine
            service.awaitStarted();
            big = LargeBackupServiceTest.corruptBackup(service.backups.resolve("backup_20251227_120000.gz"), SIZE);
            // or done with it already: then the check below says so at once, not a timeout
            await(
                    "the service reading the backup",
                    Duration.ofSeconds(60),
                    () -> service.hasOpen(big) || !service.verdicts(big).isEmpty());
            service.kill();
            assertThat(service.verdicts(big)).as("recorded before the kill").isEmpty();
        }
        try (ServiceProcess service = new ServiceProcess(root).start()) {
            service.awaitStarted();
            await(
                    "the backup verified after the restart",
                    Duration.ofSeconds(90),
                    () -> !service.verdicts(big).isEmpty());
            assertThat(service.verdicts(big)).containsExactly("FAILED");
            await(
                    "its alert kept (no SMTP configured)",
                    Duration.ofSeconds(30),
                    () -> outboxMentions(service, "backup_20251227_120000.gz") == 1);
        }
    }

    private static long outboxMentions(ServiceProcess service, String name) {
        try {
            return service.outbox().stream().filter(m -> m.contains(name)).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
