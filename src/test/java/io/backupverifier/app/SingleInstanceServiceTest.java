package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service that cannot run as configured does not start: exit 2 and one line that says why. */
class SingleInstanceServiceTest {

    @TempDir
    Path root;

    @Test
    void secondServiceOnTheSameDirectoryExits2NamingTheFirst() throws Exception {
        try (ServiceProcess first = new ServiceProcess(root).start();
                ServiceProcess second = new ServiceProcess(root).output("second.log")) {
            Path lock = root.resolve("logs/state/run.lock");
            await(
                    "the first service holding the lock",
                    Duration.ofSeconds(60),
                    () -> Files.exists(lock) && readOrEmpty(lock).strip().equals(Long.toString(first.pid())));
            second.start();
            assertThat(second.exitCode(Duration.ofSeconds(60)))
                    .as("exit code of the second")
                    .isEqualTo(2);
            assertThat(second.logLines("[ERROR]"))
                    .containsExactly("[ERROR] Another backup-verifier service (PID " + first.pid()
                            + ") is running on " + root.resolve("logs/state")
                            + "; stop it first (one service per state directory"
                            + " with the embedded results store)");
            assertThat(second.log()).doesNotContain("started");
            assertThat(first.process().isAlive()).as("first still running").isTrue();
        }
    }

    @Test
    void httpPortInUseExits2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServiceProcess service = new ServiceProcess(root)
                        .env("HTTP_PORT", Integer.toString(taken.getLocalPort()))
                        .start()) {
            assertThat(service.exitCode(Duration.ofSeconds(60))).as("exit code").isEqualTo(2);
            assertThat(service.logLines("[ERROR]"))
                    .hasSize(1)
                    .allMatch(l -> l.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()));
            assertThat(service.log()).doesNotContain("started");
        }
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
