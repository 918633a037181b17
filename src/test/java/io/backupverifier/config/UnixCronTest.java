package io.backupverifier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

/** Unix crons from seed users' crontabs, in Quartz's form. */
class UnixCronTest {

    @Test
    void convertsWhatCrontabsSay() throws Exception {
        assertThat(UnixCron.toQuartz("0 2 * * *")).hasValue("0 0 2 * * ?");
        assertThat(UnixCron.toQuartz("30 3 * * 0")).hasValue("0 30 3 ? * 1"); // Sunday: 0 in Unix, 1 in Quartz
        assertThat(UnixCron.toQuartz("0 4 * * 7")).hasValue("0 0 4 ? * 1"); // 7 is Sunday too
        assertThat(UnixCron.toQuartz("0 1 * * 1-5")).hasValue("0 0 1 ? * 2-6");
        assertThat(UnixCron.toQuartz("0 5 * * MON,FRI")).hasValue("0 0 5 ? * MON,FRI");
        assertThat(UnixCron.toQuartz("*/15 * 1 * *")).hasValue("0 */15 * 1 * ?");
        for (String q : new String[] {"0 0 2 * * ?", "0 30 3 ? * 1", "0 0 1 ? * 2-6", "0 */15 * 1 * ?"}) {
            CronExpression.validateExpression(q);
        }
    }

    @Test
    void refusesWhatQuartzCannotSay() {
        assertThat(UnixCron.toQuartz("0 4 1 * 0")).isEmpty(); // day 1 or Sunday
        assertThat(UnixCron.toQuartz("0 4 * * 5-7")).isEmpty(); // would wrap to 6-1
        assertThat(UnixCron.isUnix("0 0 2 * * ?")).isFalse();
    }

    @Test
    void namesTheClosestKnownKey() {
        assertThat(UnknownKeys.closest("ALERT_EMIAL", List.of("ALERT_EMAIL", "ADMIN_EMAIL")))
                .hasValue("ALERT_EMAIL");
        assertThat(UnknownKeys.closest("SMTP_PASS", List.of("SMTP_PORT", "SMTP_USER")))
                .isEmpty();
    }
}
