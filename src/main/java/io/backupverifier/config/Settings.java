package io.backupverifier.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The configuration in force: {@code config/application.properties}, overridden by a
 * {@code .env} in the working directory, overridden by the real environment (DESIGN.md
 * section 8), each value with where it came from ({@link Layers}). Every value is parsed
 * once, by its {@link SettingType}, when loaded, HikariCP-style: a bad one stops start-up
 * with one line that names the key. The getters hand out the parsed values.
 */
public final class Settings {

    /** Every key this program reads, in the README's order. */
    public static final List<Setting> ALL = Catalogue.ALL;

    private final Map<String, String> values;
    private final Map<String, Layers.Source> sources;
    private final List<ConfigNotice> notices;
    private final Map<String, Object> parsed = new LinkedHashMap<>();

    private Settings(Layers layers) {
        this.values = layers.values();
        this.sources = layers.sources();
        this.notices = layers.notices();
    }

    /**
     * Loads and checks the configuration.
     *
     * @param configFile {@code config/application.properties}; a missing file means all defaults
     * @param workDir    where a {@code .env} is looked for
     * @param env        the process environment
     * @param overrides  property values that win over everything (command-line flags such as --dir)
     */
    public static Settings load(Path configFile, Path workDir, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        Layers layers = Layers.read(configFile, workDir, env, overrides);
        for (Setting s : ALL) {
            accept(s, layers);
        }
        Settings settings = new Settings(layers);
        for (Setting s : ALL) {
            if (!DerivedDefaults.KEYS.contains(s.property())) {
                settings.parse(s);
            }
        }
        for (String key : DerivedDefaults.KEYS) {
            DerivedDefaults.fill(layers, key);
            settings.parse(Catalogue.of(key));
        }
        CrossKeyRules.check(settings);
        return settings;
    }

    /** A value written in another form people know (a Unix cron, 30%) becomes ours; a cron's change is said in one line. */
    private static void accept(Setting s, Layers layers) throws ConfigException {
        String value = layers.values().get(s.property());
        SettingType.Accepted a = refusedNamed(s, () -> s.type().accept(value));
        layers.values().put(s.property(), a.value());
        a.note()
                .ifPresent(n ->
                        layers.notices().add(new ConfigNotice(ConfigNotice.INFO, s.property(), s.label() + ": " + n)));
    }

    /** Parses the value of one setting, or refuses it naming the key; an optional key left empty is not set. */
    private void parse(Setting s) throws ConfigException {
        String value = get(s.property());
        if (s.optional() && value.isBlank()) {
            return;
        }
        parsed.put(s.property(), refusedNamed(s, () -> s.type().parse(value)));
    }

    private static <T> T refusedNamed(Setting s, Supplier<T> parse) throws ConfigException {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(s.label() + ": " + e.getMessage());
        }
    }

    /** Unknown keys and values accepted in another form, in the order found. */
    public List<ConfigNotice> notices() {
        return List.copyOf(notices);
    }

    /** Where the value of a key came from: default, application.properties, .env, environment or command line. */
    public String source(String property) {
        return sources.getOrDefault(property, Layers.Source.DEFAULT).label();
    }

    /** Camel's own settings in force (camel.*: the jar's defaults and application.properties), sorted. */
    public List<String> camelKeys() {
        return values.keySet().stream()
                .filter(k -> k.startsWith(Layers.CAMEL_PREFIX))
                .sorted()
                .toList();
    }

    /** The setting of a property, if it is one of ours (Camel's own keys are not). */
    public static Optional<Setting> setting(String property) {
        return Catalogue.find(property);
    }

    /** How messages name a key: {@code ENV_NAME (property)}. */
    public static String label(String property) {
        return Catalogue.find(property).map(Setting::label).orElse(property);
    }

    /** The value as written (stripped), or the derived default; empty when not set. */
    public String get(String property) {
        return values.getOrDefault(property, "");
    }

    Map<String, String> values() {
        return values;
    }

    /** The parsed value of a setting of the given kind; a key of another kind, or an optional one left empty, is a programming error. */
    private <T> T value(String property, Class<T> kind) {
        Object v = parsed.get(property);
        if (!kind.isInstance(v)) {
            throw new IllegalArgumentException(label(property) + " has no " + kind.getSimpleName() + " value");
        }
        return kind.cast(v);
    }

    /** A {@link SettingType#SIZE} in bytes. */
    public long size(String property) {
        return value(property, Long.class);
    }

    /** A {@link SettingType#DURATION} or {@link SettingType#TIME_LIMIT}. */
    public Duration duration(String property) {
        return value(property, Duration.class);
    }

    /** A {@link SettingType#COUNT}. */
    public int count(String property) {
        return value(property, Integer.class);
    }

    /** A {@link SettingType#PORT} (or 0 for {@link SettingType#PORT_OR_OFF}). */
    public int port(String property) {
        return value(property, Integer.class);
    }

    /** A {@link SettingType#FLAG}. */
    public boolean flag(String property) {
        return value(property, Boolean.class);
    }

    /** A {@link SettingType#FRACTION}. */
    public double fraction(String property) {
        return value(property, Double.class);
    }

    /** The items of a {@link SettingType#LIST}, {@link SettingType#GLOBS} or {@link SettingType#EMAILS}; none when empty. */
    @SuppressWarnings("unchecked")
    public List<String> list(String property) {
        return parsed.containsKey(property) ? (List<String>) value(property, List.class) : List.of();
    }

    /** The backup directory must exist and be readable for --all, the latest backup and service mode. */
    public void requireReadableBackupDir() throws ConfigException {
        Path d = backupDir();
        if (!Files.isDirectory(d)) {
            throw new ConfigException(label("backup.dir") + ": " + d.toAbsolutePath() + " is not a directory");
        }
        if (!Files.isReadable(d) || !Files.isExecutable(d)) {
            throw new ConfigException(label("backup.dir") + ": " + d.toAbsolutePath() + " is not readable");
        }
    }

    public Path backupDir() {
        return value("backup.dir", Path.class);
    }

    public Path logDir() {
        return value("log.dir", Path.class);
    }

    public Path restoreLogDir() {
        return value("restore.log-dir", Path.class);
    }

    public Path stateDir() {
        return value("state.dir", Path.class);
    }

    public Path outboxDir() {
        return value("alert.outbox-dir", Path.class);
    }

    public Path restoreWorkDir() {
        return value("restore.work-dir", Path.class);
    }

    /** This program's own directories: never backups, even inside the backup directory. */
    public List<Path> ownDirs() {
        return List.of(logDir(), restoreLogDir(), stateDir(), outboxDir());
    }

    public List<String> include() {
        return list("backup.include");
    }

    public long minSize() {
        return size("check.min-size");
    }

    public long maxSize() {
        return size("check.max-size");
    }

    /** MAX_EXPANDED_SIZE, or 20 times MAX_BACKUP_SIZE when unset. */
    public long maxExpandedSize() {
        if (!parsed.containsKey("check.max-expanded-size")) {
            long max = maxSize();
            return max > Long.MAX_VALUE / 20 ? Long.MAX_VALUE : max * 20;
        }
        return size("check.max-expanded-size");
    }

    public int maxExpansionRatio() {
        return count("check.max-expansion-ratio");
    }

    /** Backups verified at once: VERIFY_PARALLELISM, or one per core when 0. */
    public int parallelism() {
        int n = count("verify.parallelism");
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    /** Connections a restore loads data on: RESTORE_PARALLELISM, or the cores (at least 2) when 0. */
    public int restoreParallelism() {
        int n = count("restore.parallelism");
        return n > 0 ? n : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public int minTables() {
        return count("restore.min-tables");
    }

    public List<String> keyTables() {
        return list("restore.key-tables");
    }

    public boolean mailEnabled() {
        return !get("smtp.host").isEmpty();
    }

    /** Service mode: whether the HTTP server runs (HTTP_PORT is not 0). */
    public boolean httpEnabled() {
        return port("http.port") != 0;
    }

    /** JavaMail session properties: STARTTLS and time-outs (a mail server that hangs must not hang us). */
    public Properties mailProperties() {
        return CamelProperties.mailSession(this);
    }

    /**
     * Everything Camel reads: our keys as {@code {{placeholders}}} for the routes, Camel's own
     * {@code camel.*} keys, and those that follow from the mode (HTTP and management in service
     * mode; no JMX or metrics in a one-shot command).
     */
    public Properties camelProperties(boolean service) {
        return CamelProperties.of(this, service);
    }

    /**
     * Named consistency queries from the configured file (name = SQL returning one count). Each must
     * be one statement that reads ({@link ReadOnlyQuery}): one that is not stops start-up naming it.
     */
    public Map<String, String> consistencyQueries(Path home) throws ConfigException {
        String configured = get("restore.consistency-file");
        Path file = configured.isEmpty()
                ? home.resolve("config").resolve("consistency-checks.properties")
                : Path.of(configured);
        Map<String, String> queries = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            if (!configured.isEmpty()) {
                throw new ConfigException(label("restore.consistency-file") + ": " + file + " is not a readable file");
            }
            return queries;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(
                    label("restore.consistency-file") + ": cannot read " + file + ": " + e.getMessage());
        }
        for (String k : p.stringPropertyNames().stream().sorted().toList()) {
            String sql = p.getProperty(k).strip();
            try {
                ReadOnlyQuery.check(sql);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        label("restore.consistency-file") + ": " + file + ": " + k + " " + e.getMessage());
            }
            queries.put(k, sql);
        }
        return queries;
    }
}
