package io.backupverifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of value is parsed in one place, and a bad value is refused in one line that quotes it and says what was expected. */
class SettingTypeTest {

    @TempDir
    Path dir;

    @Test
    void eachTypeParsesItsValues() throws Exception {
        assertThat(SettingType.SIZE.parse(" 2GiB ")).isEqualTo(2L << 30);
        assertThat(SettingType.DURATION.parse("26h")).isEqualTo(Duration.ofHours(26));
        assertThat(SettingType.DURATION.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(SettingType.TIME_LIMIT.parse("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(SettingType.COUNT.parse("0")).isZero();
        assertThat(SettingType.PORT.parse("65535")).isEqualTo(65535);
        assertThat(SettingType.PORT_OR_OFF.parse("0")).isZero();
        assertThat(SettingType.FLAG.parse("TRUE")).isTrue();
        assertThat(SettingType.FLAG.parse("false")).isFalse();
        assertThat(SettingType.FRACTION.parse("0.3")).isEqualTo(0.3);
        assertThat(SettingType.CRON.parse("0 15 * * * ?")).isEqualTo("0 15 * * * ?");
        assertThat(SettingType.EMAILS.parse("ops@example.com, dba@example.com,"))
                .containsExactly("ops@example.com", "dba@example.com");
        assertThat(SettingType.EMAILS.parse("")).isEmpty();
        assertThat(SettingType.LIST.parse(" users , orders,,")).containsExactly("users", "orders");
        assertThat(SettingType.GLOBS.parse("*.gz")).containsExactly("*.gz");
        assertThat(SettingType.JDBC_URL.parse("jdbc:postgresql://db/bv")).isEqualTo("jdbc:postgresql://db/bv");
        assertThat(SettingType.oneOf("postgresql", "sqlite").parse("sqlite")).isEqualTo("sqlite");
        assertThat(SettingType.PATH.parse("./backups")).isEqualTo(Path.of("./backups"));
        Path users = Files.writeString(dir.resolve("users.properties"), "user.ops = secret,ops\n");
        assertThat(SettingType.READABLE_FILE.parse(users.toString())).isEqualTo(users);
        assertThat(SettingType.TEXT.parse(" nobody ")).isEqualTo("nobody");
        assertThat(SettingType.SECRET.parse("s3cret")).isEqualTo("s3cret");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SIZE|ten|'ten' is not a size such as 100B, 500MB or 100GB",
                "SIZE|''|'' is not a size such as 100B, 500MB or 100GB",
                "DURATION|10|'10' is not a duration such as 500ms, 10s, 5m, 26h or 7d",
                "DURATION|-5s|'-5s' is not a duration such as 500ms, 10s, 5m, 26h or 7d",
                "TIME_LIMIT|0h|'0h' would stop every restore test: give a time limit such as 6h",
                "TIME_LIMIT|soon|'soon' is not a duration such as 500ms, 10s, 5m, 26h or 7d",
                "COUNT|-1|'-1' is negative",
                "COUNT|1.5|'1.5' is not a whole number",
                "COUNT|99999999999|'99999999999' is not a whole number",
                "PORT|0|'0' is not a port number (1-65535)",
                "PORT|65536|'65536' is not a port number (1-65535)",
                "PORT|smtp|'smtp' is not a port number (1-65535)",
                "PORT_OR_OFF|-1|'-1' is not a port number (1-65535), or 0 for off",
                "PORT_OR_OFF|http|'http' is not a port number (1-65535), or 0 for off",
                "FLAG|yes|'yes' is not true or false",
                "FLAG|1|'1' is not true or false",
                "FRACTION|1|'1' is not a fraction between 0 and 1",
                "FRACTION|0|'0' is not a fraction between 0 and 1",
                "FRACTION|NaN|'NaN' is not a fraction between 0 and 1",
                "FRACTION|a third|'a third' is not a fraction between 0 and 1, such as 0.3 or 30%",
                "CRON|every day|'every day' is not a Quartz cron: ",
                "CRON|0 0 25 * * ?|'0 0 25 * * ?' is not a Quartz cron: ",
                "EMAILS|ops@example.com, ops|'ops' is not an e-mail address",
                "EMAILS|ops@a@b|'ops@a@b' is not an e-mail address",
                "GLOBS|' , '|no file name pattern given",
                "JDBC_URL|jdbc:mysql://x/db|'jdbc:mysql://x/db' is not a jdbc:sqlite: or jdbc:postgresql: URL",
                "READABLE_FILE|/nonexistent/users.properties|/nonexistent/users.properties is not a readable file",
            })
    void eachTypeRefusesABadValueInOneLine(String type, String value, String message) throws Exception {
        SettingType<?> t = (SettingType<?>) SettingType.class.getField(type).get(null);
        assertThatThrownBy(() -> t.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void aChoiceNamesTheChoices() {
        assertThatThrownBy(() -> SettingType.oneOf("postgresql", "sqlite").parse("mysql"))
                .hasMessage("'mysql' is not postgresql or sqlite");
        assertThatThrownBy(() -> SettingType.oneOf("a", "b", "c").parse("d")).hasMessage("'d' is not a, b or c");
    }

    @Test
    void aPathTheFileSystemCannotHoldIsRefused() {
        assertThatThrownBy(() -> SettingType.PATH.parse("a\0b"))
                .hasMessageStartingWith("'a\0b' is not a file system path");
    }

    @Test
    void aDirectoryIsNotAReadableFile() {
        assertThatThrownBy(() -> SettingType.READABLE_FILE.parse(dir.toString()))
                .hasMessage(dir + " is not a readable file");
    }

    @Test
    void otherFormsAreTurnedIntoOurs() {
        assertThat(SettingType.FRACTION.accept("30%")).isEqualTo(new SettingType.Accepted("0.3", Optional.empty()));
        assertThat(SettingType.FRACTION.accept("12.5 %"))
                .isEqualTo(new SettingType.Accepted("0.125", Optional.empty()));
        assertThat(SettingType.FRACTION.accept("0.3").value()).isEqualTo("0.3");
        assertThat(SettingType.CRON.accept("30 3 * * 0"))
                .isEqualTo(new SettingType.Accepted(
                        "0 30 3 ? * 1",
                        Optional.of("'30 3 * * 0' is a Unix cron; using Quartz's '0 30 3 ? * 1' (seconds first)")));
        assertThat(SettingType.CRON.accept("0 0 2 * * ?").note()).isEmpty();
        assertThat(SettingType.SIZE.accept("30%").value())
                .as("only a fraction reads percentages")
                .isEqualTo("30%");
        assertThatThrownBy(() -> SettingType.FRACTION.accept("lots%"))
                .hasMessage("'lots%' is not a percentage such as 30%");
    }

    @Test
    void everySettingHasATypeAndItsDefaultParses() {
        for (Setting s : Settings.ALL) {
            assertThat(s.type()).as(s.label()).isNotNull();
            if (!s.optional() && s.type() != SettingType.READABLE_FILE) {
                assertThat(s.type().parse(s.type().accept(s.defaultValue()).value()))
                        .as(s.label())
                        .isNotNull();
            }
        }
    }

    @Test
    void gettersHandOutTheParsedValues() throws Exception {
        Settings s = Settings.load(
                dir.resolve("absent.properties"),
                dir,
                Map.of(
                        "WATCH_POLL_INTERVAL",
                        "2m",
                        "RESTORE_KEY_TABLES",
                        "users, orders",
                        "SIZE_ANOMALY_RATIO",
                        "25%",
                        "METADATA_REQUIRED",
                        "FALSE",
                        "SMTP_PORT",
                        "587"),
                Map.of());
        assertThat(s.duration("watch.poll-interval")).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.keyTables()).containsExactly("users", "orders");
        assertThat(s.fraction("history.size-ratio")).isEqualTo(0.25);
        assertThat(s.get("history.size-ratio")).isEqualTo("0.25");
        assertThat(s.flag("metadata.required")).isFalse();
        assertThat(s.port("smtp.port")).isEqualTo(587);
        assertThat(s.count("history.keep-monthly")).isEqualTo(12);
        assertThat(s.size("restore.max-statement")).isEqualTo(1L << 30);
        assertThat(s.list("alert.email")).as("an optional key left empty").isEmpty();
        assertThat(s.maxExpandedSize()).as("empty: 20 x MAX_BACKUP_SIZE").isEqualTo(2_000_000_000_000L);
        assertThatThrownBy(() -> s.duration("check.max-size"))
                .as("a key of another kind is a programming error")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_BACKUP_SIZE");
    }

    @Test
    void anOptionalKeyMayBeEmptyARequiredOneMayNot() {
        assertThatThrownBy(() -> Settings.load(
                        dir.resolve("absent.properties"), dir, Map.of("MAX_EXPANSION_RATIO", ""), Map.of()))
                .hasMessage("MAX_EXPANSION_RATIO (check.max-expansion-ratio): '' is not a whole number");
        assertThat(List.of("check.max-expanded-size", "restore.key-tables", "alert.email", "http.auth-file"))
                .allSatisfy(k -> assertThat(Settings.ALL.stream()
                                .filter(x -> x.property().equals(k))
                                .findFirst()
                                .orElseThrow()
                                .optional())
                        .as(k)
                        .isTrue());
    }
}
