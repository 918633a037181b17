package io.backupverifier.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 5-field Unix cron ({@code 0 2 * * *}, what seed users have in their crontab) in Quartz's
 * form: seconds first, and {@code ?} in one of day-of-month and day-of-week. Unix counts
 * weekdays 0-7 from Sunday, Quartz 1-7 from Sunday.
 */
public final class UnixCron {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private UnixCron() {}

    /** Whether the expression has the five fields of a Unix cron. */
    public static boolean isUnix(String expression) {
        return expression.strip().split("\\s+").length == 5;
    }

    /**
     * The Quartz form, or empty when there is none (Quartz cannot say "this day of the month or
     * this weekday", which Unix cron means when both are given).
     */
    public static Optional<String> toQuartz(String expression) {
        String[] f = expression.strip().split("\\s+");
        if (f.length != 5) {
            return Optional.empty();
        }
        String dom = f[2];
        String dow = weekdays(f[4]);
        if (dow == null) {
            return Optional.empty();
        }
        if (dow.equals("*")) {
            dow = "?";
        } else if (dom.equals("*")) {
            dom = "?";
        } else {
            return Optional.empty();
        }
        return Optional.of(String.join(" ", "0", f[0], f[1], dom, f[3], dow));
    }

    /** Weekday numbers shifted to Quartz's 1-7; null when a range would wrap (5-7 becomes 6-1). */
    private static String weekdays(String field) {
        StringBuilder out = new StringBuilder();
        for (String part : field.split(",")) {
            String[] step = part.split("/", 2);
            String range = step[0];
            Matcher m = NUMBER.matcher(range);
            StringBuilder r = new StringBuilder();
            int last = 0;
            int previous = -1;
            while (m.find()) {
                int n = Integer.parseInt(m.group());
                int q = n % 7 + 1;
                if (previous >= 0 && q < previous) {
                    return null;
                }
                previous = q;
                r.append(range, last, m.start()).append(q);
                last = m.end();
            }
            r.append(range.substring(last));
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(r);
            if (step.length == 2) {
                out.append('/').append(step[1]);
            }
        }
        return out.toString();
    }
}
