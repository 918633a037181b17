package io.backupverifier.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.app.BackupVerifierApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel's own settings have their defaults in the application.properties shipped in the jar;
 * the operator's application.properties overrides each of them, and Camel runs with the result.
 */
class CamelPropertiesTest {

    @TempDir
    Path dir;

    private Settings load(Path config, Map<String, String> env) throws ConfigException {
        return Settings.load(config, dir, env, Map.of());
    }

    private Map<String, String> env() {
        return Map.of("BACKUP_DIR", dir.resolve("backups").toString());
    }

    @Test
    void theJarsDefaultsAreInForceAndSaySo() throws Exception {
        Settings s = load(dir.resolve("absent.properties"), env());
        assertThat(s.get("camel.main.name")).isEqualTo("backup-verifier");
        assertThat(s.source("camel.main.name")).isEqualTo("default");
        assertThat(s.camelKeys()).contains("camel.main.name", "camel.main.shutdown-timeout", "camel.metrics.enabled");
        assertThat(s.camelProperties(true).getProperty("camel.main.shutdown-timeout"))
                .isEqualTo("30");
    }

    @Test
    void theOperatorsFileOverridesEachCamelKey() throws Exception {
        Path config = Files.writeString(
                dir.resolve("application.properties"),
                "camel.main.name = bv-test\ncamel.main.shutdown-timeout = 7\ncamel.health.exposureLevel = oneline\n");
        Settings s = load(config, env());
        assertThat(s.source("camel.main.name")).isEqualTo("application.properties");
        Properties service = s.camelProperties(true);
        assertThat(service.getProperty("camel.main.name")).isEqualTo("bv-test");
        assertThat(service.getProperty("camel.health.exposureLevel")).isEqualTo("oneline");
        assertThat(service.getProperty("camel.metrics.enabled"))
                .as("the jar's default, not overridden")
                .isEqualTo("true");
    }

    @Test
    void theModeDecidesWhatFollowsFromOurSettings() throws Exception {
        Settings s = load(
                dir.resolve("absent.properties"),
                Map.of("BACKUP_DIR", "/srv/b", "HTTP_PORT", "9090", "WATCH_POLL_INTERVAL", "2m"));
        Properties service = s.camelProperties(true);
        assertThat(service.getProperty("camel.server.enabled")).isEqualTo("true");
        assertThat(service.getProperty("camel.management.port")).isEqualTo("9090");
        assertThat(service.getProperty("camel.management.jolokiaEnabled")).isEqualTo("false");
        assertThat(service.getProperty("watch.poll-interval-ms")).isEqualTo("120000");
        assertThat(service.getProperty("backup.dir.absolute")).isEqualTo("/srv/b");
        Properties oneShot = s.camelProperties(false);
        assertThat(oneShot.getProperty("camel.main.jmxEnabled")).isEqualTo("false");
        assertThat(oneShot.getProperty("camel.metrics.enabled")).isEqualTo("false");
        assertThat(oneShot.getProperty("camel.health.enabled")).isEqualTo("false");
        assertThat(oneShot.getProperty("camel.main.beanPostProcessorEnabled")).isEqualTo("false");
        assertThat(oneShot.getProperty("camel.server.enabled"))
                .as("no HTTP server in a command")
                .isNull();
        assertThat(load(dir.resolve("absent.properties"), Map.of("HTTP_PORT", "0"))
                        .camelProperties(true)
                        .getProperty("camel.management.enabled"))
                .isEqualTo("false");
    }

    @Test
    void camelRunsWithTheOperatorsOverridesOverTheJarsDefaults() throws Exception {
        Path config = Files.writeString(dir.resolve("application.properties"), "camel.main.name = bv-test\n");
        BackupVerifierApp app = new BackupVerifierApp(
                load(config, env()), Path.of(""), config, BackupVerifierApp.Mode.ONE_SHOT, Clock.systemUTC());
        try {
            CamelContext camel = app.start();
            assertThat(camel.getName()).as("the operator's value").isEqualTo("bv-test");
            assertThat(camel.getShutdownStrategy().getTimeout())
                    .as("the jar's default")
                    .isEqualTo(30);
            assertThat(camel.getManagementStrategy().getManagementAgent())
                    .as("no JMX in a one-shot command")
                    .isNull();
        } finally {
            app.stop();
        }
    }
}
