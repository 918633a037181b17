package io.backupverifier.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times and ages as the operator commands print them: local time to the minute, ages in two units. */
final class Ages {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Ages() {}

    static String local(Instant t, ZoneId zone) {
        return LOCAL.format(t.atZone(zone));
    }

    static String local(long epochMillis, ZoneId zone) {
        return local(Instant.ofEpochMilli(epochMillis), zone);
    }

    /** {@code 3d 4h}, {@code 5h 12m}, {@code 7m}; a time in the future is {@code in the future}. */
    static String age(Duration d) {
        if (d.isNegative()) {
            return "future";
        }
        long days = d.toDays();
        if (days > 0) {
            return days + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() + "m";
    }

    /** Milliseconds as {@code 850 ms}, {@code 12.3 s}, {@code 4 min 5 s}. */
    static String millis(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return ms / 60_000 + " min " + ms % 60_000 / 1000 + " s";
    }
}
