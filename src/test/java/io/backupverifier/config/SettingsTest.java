package io.backupverifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of configuration value is checked at start-up and a bad one is named. */
class SettingsTest {

    @TempDir
    Path dir;

    private Settings load(Map<String, String> env) throws ConfigException {
        return Settings.load(dir.resolve("absent.properties"), dir, env, Map.of());
    }

    @Test
    void defaultsFollowTheSeed() throws Exception {
        Settings s = load(Map.of());
        assertThat(s.backupDir()).isEqualTo(Path.of("./backups"));
        assertThat(s.logDir()).isEqualTo(Path.of("./backups/verification_logs"));
        assertThat(s.restoreLogDir()).isEqualTo(Path.of("./backups/restore_test_logs"));
        assertThat(s.minSize()).isEqualTo(100);
        assertThat(s.maxSize()).isEqualTo(100_000_000_000L);
        assertThat(s.get("results.db-url")).isEqualTo("jdbc:sqlite:./backups/verification_logs/state/results.db");
        assertThat(s.get("test-db.retention-days")).isEqualTo("7");
    }

    @Test
    void logDirFollowsBackupDirUnlessSet() throws Exception {
        assertThat(load(Map.of("BACKUP_DIR", "/srv/b")).logDir()).isEqualTo(Path.of("/srv/b/verification_logs"));
        assertThat(load(Map.of("BACKUP_DIR", "/srv/b", "VERIFICATION_LOG_DIR", "/var/log/bv"))
                        .stateDir())
                .isEqualTo(Path.of("/var/log/bv/state"));
    }

    @Test
    void propertiesFileThenDotEnvThenEnvironment() throws Exception {
        Path props = dir.resolve("app.properties");
        Files.writeString(props, "check.min-size = 1KB\ncheck.max-size = 2GiB\n");
        Files.writeString(dir.resolve(".env"), "MAX_BACKUP_SIZE=3GiB\n");
        Settings s = Settings.load(props, dir, Map.of(), Map.of());
        assertThat(s.minSize()).isEqualTo(1000);
        assertThat(s.maxSize()).isEqualTo(3L << 30);
        assertThat(Settings.load(props, dir, Map.of("MAX_BACKUP_SIZE", "5GB"), Map.of())
                        .maxSize())
                .isEqualTo(5_000_000_000L);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MIN_BACKUP_SIZE|ten|MIN_BACKUP_SIZE (check.min-size): 'ten' is not a size such as 100B, 500MB or 100GB",
                "MAX_BACKUP_SIZE|10 parsecs|MAX_BACKUP_SIZE (check.max-size): '10 parsecs' is not a size",
                "WATCH_POLL_INTERVAL|often|WATCH_POLL_INTERVAL (watch.poll-interval): 'often' is not a duration such as 500ms, 10s",
                "DAILY_VERIFY_CRON|every day|DAILY_VERIFY_CRON (schedule.daily-verify): ",
                "SMTP_PORT|smtp|SMTP_PORT (smtp.port): 'smtp' is not a port number (1-65535)",
                "TEST_DB_PORT|70000|TEST_DB_PORT (test-db.port): '70000' is not a port number (1-65535)",
                "ALERT_EMAIL|ops@example.com, not-an-address|ALERT_EMAIL (alert.email): 'not-an-address' is not an e-mail address",
                "SMTP_STARTTLS|yes|SMTP_STARTTLS (smtp.starttls): 'yes' is not true or false",
                "DATABASE_TYPE|mysql|DATABASE_TYPE (database.type): 'mysql' is not postgresql or sqlite",
                "TEST_DB_RETENTION_DAYS|-1|TEST_DB_RETENTION_DAYS (test-db.retention-days): '-1' is negative",
                "VERIFY_PARALLELISM|many|VERIFY_PARALLELISM (verify.parallelism): 'many' is not a whole number",
                "HTTP_PORT|http|HTTP_PORT (http.port): 'http' is not a port number (1-65535)",
                "HTTP_HOST|0.0.0.0|HTTP_HOST (http.host): listening on 0.0.0.0 needs basic authentication: set HTTP_AUTH_FILE (http.auth-file)",
                "HTTP_AUTH_FILE|/nonexistent/users.properties|HTTP_AUTH_FILE (http.auth-file): /nonexistent/users.properties is not a readable file",
                "LOG_DIR_MAX_SIZE|big|LOG_DIR_MAX_SIZE (logs.max-size): 'big' is not a size",
                "SIZE_ANOMALY_RATIO|2|SIZE_ANOMALY_RATIO (history.size-ratio): '2' is not a fraction between 0 and 1",
                "FRESHNESS_DAILY|daily|FRESHNESS_DAILY (history.max-age-daily): 'daily' is not a duration",
                "RESTORE_TIMEOUT|0s|RESTORE_TIMEOUT (restore.timeout): '0s' would stop every restore test: give a time limit such as 6h",
                "RESTORE_STATEMENT_TIMEOUT|an hour|RESTORE_STATEMENT_TIMEOUT (restore.statement-timeout): 'an hour' is not a duration",
                "WEEKLY_RESTORE_CRON|sundays|WEEKLY_RESTORE_CRON (schedule.weekly-restore): ",
                "RESULTS_DB_URL|jdbc:mysql://x/db|RESULTS_DB_URL (results.db-url): 'jdbc:mysql://x/db' is not a jdbc:sqlite: or jdbc:postgresql: URL",
            })
    void badValueNamesTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> load(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void minAboveMaxIsRefused() {
        assertThatThrownBy(() -> load(Map.of("MIN_BACKUP_SIZE", "2GB", "MAX_BACKUP_SIZE", "1GB")))
                .hasMessage(
                        "MIN_BACKUP_SIZE (check.min-size): 2GB is larger than MAX_BACKUP_SIZE (check.max-size) 1GB");
    }

    @Test
    void unreadableDotEnvIsNamed() throws Exception {
        Files.writeString(dir.resolve(".env"), "GOOD=1\nTHIS LINE IS NOT KEY=VALUE\n");
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(".env");
    }

    @Test
    void secretsAppearOnlyUnderKeysCamelMasks() throws Exception {
        Settings s = load(Map.of(
                "SMTP_HOST",
                "mail.example.com",
                "SMTP_USER",
                "alerts",
                "SMTP_PASSWORD",
                "s3cret",
                "ALERT_EMAIL",
                "ops@example.com",
                "RESULTS_DB_PASSWORD",
                "dbs3cret",
                "TEST_DB_PASSWORD",
                "tests3cret"));
        s.camelProperties(false).forEach((k, v) -> {
            if (v.toString().contains("s3cret")) {
                assertThat(k.toString()).contains("password");
            }
        });
        assertThat(s.camelProperties(false).getProperty("alert.mail-uri"))
                .isEqualTo(
                        "smtp://mail.example.com:25?additionalJavaMailProperties=#mailProperties&connectionTimeout=10000");
    }

    @Test
    void unitsParse() {
        assertThat(Units.size("100B")).isEqualTo(100);
        assertThat(Units.size("1.5 KiB")).isEqualTo(1536);
        assertThat(Units.size("100gb")).isEqualTo(100_000_000_000L);
        assertThat(Units.duration("26h").toHours()).isEqualTo(26);
        assertThat(Units.duration("500ms").toMillis()).isEqualTo(500);
    }
}
