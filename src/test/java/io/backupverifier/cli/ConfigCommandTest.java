package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.config.Setting;
import io.backupverifier.config.SettingType;
import io.backupverifier.config.Settings;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.JsonSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config}: each value, where it came from, secrets masked, mistakes named. */
class ConfigCommandTest {

    @TempDir
    Path root;

    Path props;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        props = root.resolve("application.properties");
        Files.writeString(
                props,
                "backup.dir = ./from-properties\ncheck.min-szie = 1KB\ncamel.main.name = bv\n"
                        + "camel.component.smtp.password = camel-secret\nresults.db-url = jdbc:postgresql://db:5432/bv?password=url-secret\n");
        Files.writeString(
                root.resolve(".env"),
                "SMTP_PASSWORD=hunter2\nALERT_EMIAL=ops@example.com\nDJANGO_SECRET_KEY=x\n"
                        + "SIZE_ANOMALY_RATIO=30%\n");
        cli = new Cli(root)
                .env("BACKUP_DIR", root.resolve("backups").toString())
                .env("DAILY_VERIFY_CRON", "0 2 * * *")
                .env("BACKUP_DIRR", "/typo")
                .env("SMTP_HOST", "mail.example.com")
                .env("ALERT_EMAIL", "ops@example.com");
    }

    @Test
    void showsEachValueWithItsSourceAndMasksSecrets() {
        Cli.Result r = cli.run("config", "--config", props.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern(
                        "BACKUP_DIR +" + Pattern.quote(root.resolve("backups").toString()) + " +environment");
        assertThat(r.out()).containsPattern("SMTP_PASSWORD +\\*{8} +\\.env");
        assertThat(r.out()).containsPattern("MIN_BACKUP_SIZE +100B +default");
        assertThat(r.out()).containsPattern("DAILY_VERIFY_CRON +0 0 2 \\* \\* \\? +environment");
        assertThat(r.out()).containsPattern("SIZE_ANOMALY_RATIO +0.3 +\\.env");
        assertThat(r.out()).containsPattern("VERIFICATION_LOG_DIR +\\S+verification_logs +default");
        assertThat(r.out()).containsPattern("camel.main.name +bv +application.properties");
        assertThat(r.out()).doesNotContain("hunter2", "camel-secret", "url-secret");
        assertThat(r.out())
                .contains("[WARNING] check.min-szie: unknown, did you mean check.min-size? (application.properties)");
        assertThat(r.out()).contains("[WARNING] ALERT_EMIAL: unknown, did you mean ALERT_EMAIL? (.env)");
        assertThat(r.out()).contains("[WARNING] BACKUP_DIRR: unknown, did you mean BACKUP_DIR? (environment)");
        assertThat(r.out())
                .contains("[INFO] DAILY_VERIFY_CRON (schedule.daily-verify): '0 2 * * *' is a Unix cron; "
                        + "using Quartz's '0 0 2 * * ?' (seconds first)");
        assertThat(r.out())
                .as("a .env shared with the application: its own keys are not ours to judge")
                .doesNotContain("DJANGO");
    }

    @Test
    void jsonMatchesTheSchema() throws Exception {
        Cli.Result r = cli.run("config", "--config", props.toString(), "--json");
        assertThat(r.exit()).isZero();
        assertThat(JsonSchemas.errors("config.schema.json", r.out())).isEmpty();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.at("/settings/SMTP_PASSWORD/value").asText()).isEqualTo("********");
        assertThat(json.at("/settings/SMTP_PASSWORD/source").asText()).isEqualTo(".env");
        assertThat(json.at("/settings/RESULTS_DB_URL/value").asText())
                .isEqualTo("jdbc:postgresql://db:5432/bv?password=********");
        assertThat(json.at("/settings/BACKUP_INCLUDE/source").asText()).isEqualTo("default");
        assertThat(json.at("/camel/camel.component.smtp.password/value").asText())
                .isEqualTo("********");
        for (Setting s : Settings.ALL) {
            assertThat(json.at("/settings/" + s.env() + "/secret").asBoolean())
                    .as("%s is masked exactly when its type is secret", s.env())
                    .isEqualTo(s.type() == SettingType.SECRET);
        }
        assertThat(json.get("notices").findValuesAsText("key"))
                .contains("ALERT_EMIAL", "BACKUP_DIRR", "check.min-szie", "schedule.daily-verify");
        assertThat(r.out()).doesNotContain("hunter2");
    }

    @Test
    void aFlagWinsAndSaysSo() throws Exception {
        Cli.Result r = cli.run("config", "--json", "--dir", "/srv/backups");
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.at("/settings/BACKUP_DIR/value").asText()).isEqualTo("/srv/backups");
        assertThat(json.at("/settings/BACKUP_DIR/source").asText()).isEqualTo("command line");
        assertThat(json.at("/settings/VERIFICATION_LOG_DIR/value").asText())
                .isEqualTo("/srv/backups/verification_logs");
        assertThat(json.get("version").asText()).isEqualTo(JsonDocument.VERSION);
    }

    @Test
    void otherCommandsPrintTheNoticesBeforeTheyRun() throws Exception {
        Files.createDirectories(root.resolve("backups"));
        Cli.Result r = cli.run("list"); // the installation's own configuration, this .env
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("[WARNING] ALERT_EMIAL: unknown, did you mean ALERT_EMAIL? (.env)");
    }

    @Test
    void aUnixCronQuartzCannotSayIsRefusedShowingTheForm() throws Exception {
        Cli.Result r = new Cli(root).env("WEEKLY_RESTORE_CRON", "0 4 1 * 0").run("config", "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(JsonSchemas.errors("config.schema.json", r.out())).isEmpty();
        assertThat(new ObjectMapper().readTree(r.out()).at("/error/message").asText())
                .isEqualTo("WEEKLY_RESTORE_CRON "
                        + "(schedule.weekly-restore): '0 4 1 * 0' is a Unix cron; Quartz wants seconds first and '?' in day-of-month or "
                        + "day-of-week (e.g. '0 0 4 1 * ?'), and cannot give both");
    }
}
