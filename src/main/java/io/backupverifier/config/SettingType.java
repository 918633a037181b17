package io.backupverifier.config;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * What kind of value a setting holds, and the one place it is parsed and checked. A refusal is
 * an {@link IllegalArgumentException} whose message quotes the value and says what was
 * expected; {@link Settings} puts the key in front, so the operator reads one line.
 *
 * @param <T> the parsed value
 */
public final class SettingType<T> {

    /** Parses a value that is already stripped, or refuses it with an {@link IllegalArgumentException}. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(String value);
    }

    /** Turns a value written in another form into this type's own; refuses one it cannot turn. */
    @FunctionalInterface
    private interface Form {
        Accepted accept(String value);
    }

    /**
     * A value in this type's own form. {@code note} says, when it was written in another form
     * people know from elsewhere and turned into ours, what became of it (empty otherwise).
     */
    public record Accepted(String value, Optional<String> note) {}

    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+");

    /** Any text. */
    public static final SettingType<String> TEXT = new SettingType<>("text", "any text", v -> v);
    /** Text never shown in full (passwords). */
    public static final SettingType<String> SECRET = new SettingType<>("secret", "any text, never shown", v -> v);
    /** A file or directory; whether it must exist is the business of whoever uses it. */
    public static final SettingType<Path> PATH = new SettingType<>("path", "a file system path", v -> {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + v + "' is not a file system path: " + e.getReason(), e);
        }
    });
    /** A file this program must be able to read now. */
    public static final SettingType<Path> READABLE_FILE = new SettingType<>("file", "a readable file", v -> {
        Path p = PATH.parse(v);
        if (v.isEmpty() || !Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(v + " is not a readable file");
        }
        return p;
    });
    /** Comma-separated names; none at all is allowed. */
    public static final SettingType<List<String>> LIST =
            new SettingType<>("list", "names, comma-separated", SettingType::items);
    /** Comma-separated file name globs; at least one. */
    public static final SettingType<List<String>> GLOBS =
            new SettingType<>("globs", "file name patterns, comma-separated", v -> {
                List<String> globs = items(v);
                if (globs.isEmpty()) {
                    throw new IllegalArgumentException("no file name pattern given");
                }
                return globs;
            });
    /** Bytes: {@code 100B}, {@code 500MB}, {@code 1GiB} ({@link Units#size}). */
    public static final SettingType<Long> SIZE =
            new SettingType<>("size", "a size such as 100B, 500MB or 100GB", Units::size);
    /** A length of time: {@code 500ms}, {@code 10s}, {@code 26h}, {@code 7d} ({@link Units#duration}). */
    public static final SettingType<Duration> DURATION =
            new SettingType<>("duration", "a duration such as 500ms, 10s, 5m, 26h or 7d", Units::duration);
    /** A duration that stops a restore test when it runs out: zero would stop every one. */
    public static final SettingType<Duration> TIME_LIMIT =
            new SettingType<>("time limit", "a duration longer than 0 such as 6h", v -> {
                Duration d = Units.duration(v);
                if (d.isZero()) {
                    throw new IllegalArgumentException(
                            "'" + v + "' would stop every restore test: give a time limit such as 6h");
                }
                return d;
            });
    /** A whole number, 0 or more. */
    public static final SettingType<Integer> COUNT = new SettingType<>("count", "a whole number, 0 or more", v -> {
        int n = wholeNumber(v, "is not a whole number");
        if (n < 0) {
            throw new IllegalArgumentException("'" + v + "' is negative");
        }
        return n;
    });
    /** A TCP port, 1-65535. */
    public static final SettingType<Integer> PORT =
            new SettingType<>("port", "a port number (1-65535)", v -> port(v, false));
    /** A TCP port, or 0 for "do not listen". */
    public static final SettingType<Integer> PORT_OR_OFF =
            new SettingType<>("port or 0", "a port number (1-65535), or 0 for off", v -> port(v, true));
    /** {@code true} or {@code false}, in any case. */
    public static final SettingType<Boolean> FLAG = new SettingType<>("flag", "true or false", v -> {
        String b = v.toLowerCase(Locale.ROOT);
        if (!b.equals("true") && !b.equals("false")) {
            throw new IllegalArgumentException("'" + v + "' is not true or false");
        }
        return Boolean.parseBoolean(b);
    });
    /** A fraction strictly between 0 and 1; {@code 30%} is accepted as 0.3. */
    public static final SettingType<Double> FRACTION = new SettingType<>(
            "fraction", "a fraction between 0 and 1, such as 0.3 or 30%", SettingType::fraction, SettingType::percent);
    /** A Quartz cron (seconds first); a 5-field Unix cron is accepted and turned into Quartz's form. */
    public static final SettingType<String> CRON = new SettingType<>(
            "cron",
            "a Quartz cron such as 0 0 2 * * ?",
            v -> {
                try {
                    CronExpression.validateExpression(v);
                } catch (ParseException e) {
                    throw new IllegalArgumentException("'" + v + "' is not a Quartz cron: " + e.getMessage(), e);
                }
                return v;
            },
            SettingType::unixCron);
    /** E-mail addresses, comma-separated; none at all is allowed. */
    public static final SettingType<List<String>> EMAILS =
            new SettingType<>("e-mail", "e-mail addresses, comma-separated", v -> {
                List<String> addresses = items(v);
                for (String a : addresses) {
                    if (!EMAIL.matcher(a).matches()) {
                        throw new IllegalArgumentException("'" + a + "' is not an e-mail address");
                    }
                }
                return addresses;
            });
    /** A JDBC URL of a store this program can write its results to. */
    public static final SettingType<String> JDBC_URL =
            new SettingType<>("JDBC URL", "a jdbc:sqlite: or jdbc:postgresql: URL", v -> {
                if (!v.startsWith("jdbc:sqlite:") && !v.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException("'" + v + "' is not a jdbc:sqlite: or jdbc:postgresql: URL");
                }
                return v;
            });

    private final String name;
    private final String expected;
    private final Parser<T> parser;
    private final Form form;

    private SettingType(String name, String expected, Parser<T> parser) {
        this(name, expected, parser, SettingType::same);
    }

    private SettingType(String name, String expected, Parser<T> parser, Form form) {
        this.name = name;
        this.expected = expected;
        this.parser = parser;
        this.form = form;
    }

    /** One of a few words, e.g. {@code postgresql} or {@code sqlite}. */
    public static SettingType<String> oneOf(String... choices) {
        List<String> all = List.of(choices);
        String expected = String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.get(all.size() - 1);
        return new SettingType<>("choice", expected, v -> {
            if (!all.contains(v)) {
                throw new IllegalArgumentException("'" + v + "' is not " + expected);
            }
            return v;
        });
    }

    /** The short name of the kind ({@code size}, {@code duration}, ...). */
    public String name() {
        return name;
    }

    /** What a good value looks like, for messages and documentation. */
    public String expected() {
        return expected;
    }

    /**
     * The value in this type's own form (a Unix cron becomes Quartz's, {@code 30%} becomes
     * 0.3), with a note when it was turned.
     *
     * @throws IllegalArgumentException when it is in a known other form that cannot be turned
     */
    public Accepted accept(String value) {
        return form.accept(value);
    }

    /**
     * The parsed value.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public T parse(String value) {
        return parser.parse(value.strip());
    }

    @Override
    public String toString() {
        return name;
    }

    private static Accepted same(String value) {
        return new Accepted(value, Optional.empty());
    }

    private static List<String> items(String v) {
        return Arrays.stream(v.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static int wholeNumber(String v, String refusal) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' " + refusal, e);
        }
    }

    private static int port(String v, boolean offAllowed) {
        String refusal = offAllowed ? "is not a port number (1-65535), or 0 for off" : "is not a port number (1-65535)";
        int n = wholeNumber(v, refusal);
        if ((n < 1 && !(offAllowed && n == 0)) || n > 65535) {
            throw new IllegalArgumentException("'" + v + "' " + refusal);
        }
        return n;
    }

    private static double fraction(String v) {
        double r;
        try {
            r = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a fraction between 0 and 1, such as 0.3 or 30%", e);
        }
        if (!(r > 0 && r < 1)) {
            throw new IllegalArgumentException("'" + v + "' is not a fraction between 0 and 1");
        }
        return r;
    }

    private static Accepted percent(String value) {
        String v = value.strip();
        if (!v.endsWith("%")) {
            return same(value);
        }
        try {
            String fraction = BigDecimal.valueOf(
                            Double.parseDouble(v.substring(0, v.length() - 1).strip()))
                    .movePointLeft(2)
                    .stripTrailingZeros()
                    .toPlainString();
            return new Accepted(fraction, Optional.empty());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a percentage such as 30%", e);
        }
    }

    private static Accepted unixCron(String value) {
        String cron = value.strip();
        if (!UnixCron.isUnix(cron)) {
            return same(value);
        }
        Optional<String> quartz = UnixCron.toQuartz(cron);
        if (quartz.isEmpty()) {
            throw new IllegalArgumentException("'" + cron + "' is a Unix cron; Quartz wants seconds first and '?' in "
                    + "day-of-month or day-of-week (e.g. '0 " + String.join(" ", Arrays.copyOf(cron.split("\\s+"), 3))
                    + " * ?'), and cannot give both");
        }
        return new Accepted(
                quartz.get(),
                Optional.of("'" + cron + "' is a Unix cron; using Quartz's '" + quartz.get() + "' (seconds first)"));
    }
}
