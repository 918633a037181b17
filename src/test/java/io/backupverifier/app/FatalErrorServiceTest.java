package io.backupverifier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An {@link Error} anywhere in service mode ends the process with exit code 1 (systemd's
 * Restart=on-failure brings it back) instead of leaving a live process whose watcher is dead.
 * The service runs from an installation that has one more route, which raises the error (a timer: Camel
 * fires it once the context has started, so no wait of its own is needed for the error to come while the
 * service runs).
 */
class FatalErrorServiceTest {

    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource({
        "stackOverflow, route boom, java.lang.StackOverflowError",
        "inThread, thread test-thread, java.lang.NoClassDefFoundError"
    })
    void anErrorEndsTheServiceWithExitCode1(String method, String where, String error) throws Exception {
        Path home = installationWithRoute(root.resolve("home"), """
                - route:
                    id: boom
                    from:
                      uri: "timer:boom?repeatCount=1&delay=100"
                      steps:
                        - bean:
                            beanType: io.backupverifier.testing.ThrowsError
                            method: %s
                """.formatted(method));
        try (ServiceProcess service = new ServiceProcess(root).home(home).start()) {
            assertThat(service.exitCode(Duration.ofSeconds(90))).as("exit code").isEqualTo(1);
            assertThat(service.logLines("Fatal error in " + where + ": " + error))
                    .hasSize(1);
        }
    }

    /** A copy of this installation's config/ and routes/, plus one route. */
    private static Path installationWithRoute(Path home, String route) throws Exception {
        for (String dir : new String[] {"config", "routes"}) {
            Files.createDirectories(home.resolve(dir));
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, home.resolve(dir).resolve(f.getFileName()));
                }
            }
        }
        Files.writeString(home.resolve("routes/boom.yaml"), route);
        return home;
    }
}
