package io.backupverifier.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * The configuration: {@code config/application.properties}, overridden by a {@code .env} in
 * the working directory, overridden by the real environment (DESIGN.md section 8). Every
 * value is checked when loaded, HikariCP-style: a bad one stops start-up with one line that
 * names the key.
 */
public final class Settings {

    public static final List<Setting> ALL = List.of(
            new Setting("backup.dir", "BACKUP_DIR", "./backups", "the backup directory; read-only to this program"),
            new Setting("backup.include", "BACKUP_INCLUDE", "*.gz,*.tgz,*.dump,*.backup,*.sqlite,*.sqlite3,*.db",
                    "file name globs of backups, comma-separated"),
            new Setting("log.dir", "VERIFICATION_LOG_DIR", "", "run logs and reports; default $BACKUP_DIR/verification_logs"),
            new Setting("restore.log-dir", "RESTORE_LOG_DIR", "", "restore test logs; default $BACKUP_DIR/restore_test_logs"),
            new Setting("state.dir", "STATE_DIR", "", "results database and other state; default $VERIFICATION_LOG_DIR/state"),
            new Setting("alert.outbox-dir", "ALERT_OUTBOX_DIR", "", "alerts waiting for delivery; default $VERIFICATION_LOG_DIR/outbox"),
            new Setting("check.min-size", "MIN_BACKUP_SIZE", "100B", "smaller backups fail the size check"),
            new Setting("check.max-size", "MAX_BACKUP_SIZE", "100GB", "larger backups fail the size check"),
            new Setting("check.max-expanded-size", "MAX_EXPANDED_SIZE", "",
                    "a gzip backup that inflates to more fails at once (a gzip bomb); empty = 20 x MAX_BACKUP_SIZE"),
            new Setting("check.max-expansion-ratio", "MAX_EXPANSION_RATIO", "1000",
                    "a gzip backup inflating more than this many times its compressed size fails (0 = no limit)"),
            new Setting("metadata.required", "METADATA_REQUIRED", "true",
                    "false: a backup without a .meta.json sidecar is a metadata WARNING, not FAILED"),
            new Setting("metadata.clock-skew", "METADATA_CLOCK_SKEW", "5m",
                    "a sidecar created_at further in the future than this fails the metadata check"),
            new Setting("verify.parallelism", "VERIFY_PARALLELISM", "0", "backups verified at once by verify --all; 0 = one per core"),
            new Setting("watch.poll-interval", "WATCH_POLL_INTERVAL", "10s", "how often the watcher looks for new backups"),
            new Setting("watch.stable-for", "WATCH_STABLE_FOR", "5s", "a file must keep its size and time this long before it is verified"),
            new Setting("watch.lock-timeout", "WATCH_LOCK_TIMEOUT", "60s", "how long one poll waits for a growing file before trying again later"),
            new Setting("cluster.enabled", "CLUSTER_ENABLED", "false",
                    "several nodes share BACKUP_DIR and the PostgreSQL results store: one lock per backup, timers fire once"),
            new Setting("watch.lock-max-age", "WATCH_LOCK_MAX_AGE", "60s",
                    "several nodes on one PostgreSQL: a backup whose node stopped answering this long is taken over by another"),
            new Setting("schedule.daily-verify", "DAILY_VERIFY_CRON", "0 0 2 * * ?", "Quartz cron of the daily verify --all"),
            new Setting("schedule.weekly-restore", "WEEKLY_RESTORE_CRON", "0 0 4 ? * SUN",
                    "Quartz cron of the weekly restore test of the latest backup of each category"),
            new Setting("schedule.maintenance", "MAINTENANCE_CRON", "0 0 5 ? * SUN", "Quartz cron of maintenance (cleanup)"),
            new Setting("restore.min-tables", "RESTORE_MIN_TABLES", "10", "a restored database needs at least this many tables"),
            new Setting("restore.key-tables", "RESTORE_KEY_TABLES", "", "tables that must exist after a restore, comma-separated"),
            new Setting("restore.key-tables-not-empty", "RESTORE_KEY_TABLES_NOT_EMPTY", "false", "key tables must also have rows"),
            new Setting("restore.consistency-file", "CONSISTENCY_CHECKS_FILE", "",
                    "named SQL counts that must be 0; default config/consistency-checks.properties"),
            new Setting("restore.parallelism", "RESTORE_PARALLELISM", "0", "connections a restore loads data on; 0 = cores (at least 2)"),
            new Setting("restore.work-dir", "RESTORE_WORK_DIR", "", "temporary files and the embedded server; default the system temp dir"),
            new Setting("restore.pg-bin-dir", "PG_BIN_DIR", "", "where pg_restore is, for custom archives; default the PATH"),
            new Setting("restore.timeout", "RESTORE_TIMEOUT", "6h", "a whole restore test; then it is stopped and reported ERROR"),
            new Setting("restore.statement-timeout", "RESTORE_STATEMENT_TIMEOUT", "1h",
                    "one statement of a dump or a check; a longer one is cancelled and the restore FAILED naming its line"),
            new Setting("restore.max-statement", "RESTORE_MAX_STATEMENT", "1GiB",
                    "a plain dump's statement longer than this fails the restore naming its line"),
            new Setting("restore.embedded-user", "EMBEDDED_PG_USER", "nobody",
                    "OS user the embedded PostgreSQL runs as when this program runs as root"),
            new Setting("restore.reindex", "RESTORE_REINDEX", "false",
                    "reindex runs a separate REINDEX DATABASE; false reports the restore's own index builds"),
            new Setting("restore.on-suspect", "RESTORE_ON_SUSPECT", "true",
                    "restore-test a backup whose sidecar or checksum failed but whose data read cleanly"),
            new Setting("history.size-backups", "SIZE_HISTORY_BACKUPS", "7", "size_anomaly compares with the median of this many earlier backups"),
            new Setting("history.size-ratio", "SIZE_ANOMALY_RATIO", "0.3",
                    "a size further than this fraction from the median is a WARNING (below half the median: FAILED)"),
            new Setting("history.max-age-daily", "FRESHNESS_DAILY", "26h", "the newest daily backup must be younger"),
            new Setting("history.max-age-weekly", "FRESHNESS_WEEKLY", "8d", "the newest weekly backup must be younger"),
            new Setting("history.max-age-monthly", "FRESHNESS_MONTHLY", "32d", "the newest monthly backup must be younger"),
            new Setting("history.keep-daily", "RETENTION_DAILY", "7", "fewer daily backups is a retention WARNING"),
            new Setting("history.keep-weekly", "RETENTION_WEEKLY", "4", "fewer weekly backups is a retention WARNING"),
            new Setting("history.keep-monthly", "RETENTION_MONTHLY", "12", "fewer monthly backups is a retention WARNING"),
            new Setting("schedule.daily-report", "DAILY_REPORT_CRON", "0 30 2 * * ?", "Quartz cron of the daily report (mailed to ADMIN_EMAIL)"),
            new Setting("schedule.freshness", "FRESHNESS_CRON", "0 15 * * * ?", "Quartz cron of the hourly freshness check"),
            new Setting("logs.archive-after", "LOG_ARCHIVE_AFTER", "30d", "maintenance gzips logs and reports older than this"),
            new Setting("logs.delete-after", "LOG_DELETE_AFTER", "90d", "maintenance deletes log archives older than this"),
            new Setting("logs.max-size", "LOG_DIR_MAX_SIZE", "1GB", "maintenance deletes the oldest logs while a log directory is larger"),
            new Setting("http.host", "HTTP_HOST", "127.0.0.1", "service mode: health, metrics and status page listen here"),
            new Setting("http.port", "HTTP_PORT", "8080", "service mode: HTTP port; 0 turns HTTP off"),
            new Setting("http.jolokia", "HTTP_JOLOKIA", "false", "service mode: JMX over HTTP at /observe/jolokia"),
            new Setting("http.auth-file", "HTTP_AUTH_FILE", "",
                    "HTTP basic authentication users (lines user.NAME = PASSWORD,ROLE and role.ROLE = *); required off loopback"),
            new Setting("results.db-url", "RESULTS_DB_URL", "", "JDBC URL of the results store; default an SQLite file in $STATE_DIR"),
            new Setting("results.db-user", "RESULTS_DB_USER", "", "results store user (PostgreSQL)"),
            new Setting("results.db-password", "RESULTS_DB_PASSWORD", "", "results store password (PostgreSQL)"),
            new Setting("alert.email", "ALERT_EMAIL", "", "alert recipients, comma-separated"),
            new Setting("admin.email", "ADMIN_EMAIL", "", "recipient of the daily report"),
            new Setting("alert.from", "ALERT_FROM", "backup-verifier@localhost", "sender of alerts"),
            new Setting("alert.retries", "ALERT_RETRIES", "3", "delivery attempts after the first, with back-off, before an alert waits in the outbox"),
            new Setting("alert.retry-delay", "ALERT_RETRY_DELAY", "2s", "the first back-off; each next one doubles"),
            new Setting("alert.resend-interval", "ALERT_RESEND_INTERVAL", "5m", "how often alerts waiting in the outbox are sent again"),
            new Setting("alert.smtp-timeout", "SMTP_TIMEOUT", "60s", "longest time one delivery to the SMTP server may take (connect, talk, send); then it is retried later"),
            new Setting("smtp.host", "SMTP_HOST", "", "SMTP server; unset = alerts go only to the outbox"),
            new Setting("smtp.port", "SMTP_PORT", "25", "SMTP port"),
            new Setting("smtp.user", "SMTP_USER", "", "SMTP user"),
            new Setting("smtp.password", "SMTP_PASSWORD", "", "SMTP password"),
            new Setting("smtp.starttls", "SMTP_STARTTLS", "false", "use STARTTLS"),
            new Setting("test-db.host", "TEST_DB_HOST", "", "server for restore tests; unset = embedded PostgreSQL"),
            new Setting("test-db.port", "TEST_DB_PORT", "5432", "restore test server port"),
            new Setting("test-db.user", "TEST_DB_USER", "postgres", "restore test server user"),
            new Setting("test-db.password", "TEST_DB_PASSWORD", "", "restore test server password"),
            new Setting("test-db.retention-days", "TEST_DB_RETENTION_DAYS", "7", "leftover test databases older than this are dropped"),
            new Setting("database.type", "DATABASE_TYPE", "postgresql", "live database kind for check-db: postgresql or sqlite"),
            new Setting("db.host", "DB_HOST", "localhost", "live database host"),
            new Setting("db.port", "DB_PORT", "5432", "live database port"),
            new Setting("db.user", "DB_USER", "postgres", "live database user"),
            new Setting("db.password", "DB_PASSWORD", "", "live database password"),
            new Setting("db.name", "DB_NAME", "thebot", "live database name (or SQLite file)"));

    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+");

    private final Map<String, String> values;
    private final Map<String, String> sources;
    private final List<ConfigNotice> notices;

    private Settings(Map<String, String> values, Map<String, String> sources, List<ConfigNotice> notices) {
        this.values = values;
        this.sources = sources;
        this.notices = List.copyOf(notices);
    }

    /** Unknown keys and values accepted in another form, in the order found. */
    public List<ConfigNotice> notices() {
        return notices;
    }

    /** Where the value of a key came from: default, application.properties, .env, environment or command line. */
    public String source(String property) {
        return sources.getOrDefault(property, SOURCE_DEFAULT);
    }

    /** Camel's own settings given in application.properties (camel.*), sorted. */
    public List<String> camelKeys() {
        return values.keySet().stream().filter(k -> k.startsWith("camel.")).sorted().toList();
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
        Map<String, String> v = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<ConfigNotice> notices = new ArrayList<>();
        ALL.forEach(s -> {
            v.put(s.property(), s.defaultValue());
            sources.put(s.property(), SOURCE_DEFAULT);
        });
        if (Files.isRegularFile(configFile)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("Cannot read " + configFile + ": " + e.getMessage());
            }
            ALL.forEach(s -> {
                if (p.getProperty(s.property()) != null) {
                    v.put(s.property(), p.getProperty(s.property()).strip());
                    sources.put(s.property(), SOURCE_PROPERTIES);
                }
            });
            // Camel's own settings (camel.main.*, camel.component.*) pass through to Camel as they are
            p.stringPropertyNames().stream().filter(k -> k.startsWith("camel.")).forEach(k -> {
                v.put(k, p.getProperty(k).strip());
                sources.put(k, SOURCE_PROPERTIES);
            });
            notices.addAll(UnknownKeys.inProperties(p.stringPropertyNames().stream().sorted().toList()));
        }
        Map<String, String> dotenv = readDotenv(workDir);
        notices.addAll(UnknownKeys.inEnvironment(dotenv, ".env"));
        notices.addAll(UnknownKeys.inEnvironment(env, "environment"));
        for (Setting s : ALL) {
            if (dotenv.containsKey(s.env())) {
                v.put(s.property(), dotenv.get(s.env()).strip());
                sources.put(s.property(), SOURCE_DOTENV);
            }
            if (env.containsKey(s.env())) {
                v.put(s.property(), env.get(s.env()).strip());
                sources.put(s.property(), SOURCE_ENVIRONMENT);
            }
        }
        overrides.forEach((k, x) -> {
            v.put(k, x);
            sources.put(k, SOURCE_COMMAND_LINE);
        });
        accept(v, notices);
        // an empty value means the derived default, wherever the empty value was written
        for (String k : List.of("log.dir", "restore.log-dir", "state.dir", "alert.outbox-dir", "restore.work-dir", "results.db-url")) {
            if (v.get(k).isEmpty()) {
                sources.put(k, SOURCE_DEFAULT);
            }
        }
        derive(v);
        Settings settings = new Settings(v, sources, notices);
        settings.validate();
        return settings;
    }

    /** Where a value came from, as {@code config} shows it. */
    public static final String SOURCE_DEFAULT = "default";
    public static final String SOURCE_PROPERTIES = "application.properties";
    public static final String SOURCE_DOTENV = ".env";
    public static final String SOURCE_ENVIRONMENT = "environment";
    public static final String SOURCE_COMMAND_LINE = "command line";

    private static final List<String> CRON_KEYS = List.of("schedule.daily-verify", "schedule.weekly-restore", "schedule.maintenance",
            "schedule.freshness", "schedule.daily-report");

    /**
     * Values given in the form people know from elsewhere, turned into ours: a 5-field Unix
     * cron becomes Quartz's (said in one line), a ratio written {@code 30%} becomes 0.3.
     */
    private static void accept(Map<String, String> v, List<ConfigNotice> notices) throws ConfigException {
        for (String key : CRON_KEYS) {
            String cron = v.get(key).strip();
            if (!UnixCron.isUnix(cron)) {
                continue;
            }
            java.util.Optional<String> quartz = UnixCron.toQuartz(cron);
            if (quartz.isEmpty()) {
                throw new ConfigException(label(key) + ": '" + cron + "' is a Unix cron; Quartz wants seconds first and '?' in "
                        + "day-of-month or day-of-week (e.g. '0 " + String.join(" ", java.util.Arrays.copyOf(cron.split("\\s+"), 3))
                        + " * ?'), and cannot give both");
            }
            v.put(key, quartz.get());
            notices.add(new ConfigNotice(ConfigNotice.INFO, key, label(key) + ": '" + cron + "' is a Unix cron; "
                    + "using Quartz's '" + quartz.get() + "' (seconds first)"));
        }
        String ratio = v.get("history.size-ratio").strip();
        if (ratio.endsWith("%")) {
            try {
                v.put("history.size-ratio", java.math.BigDecimal.valueOf(Double.parseDouble(ratio.substring(0, ratio.length() - 1).strip()))
                        .movePointLeft(2).stripTrailingZeros().toPlainString());
            } catch (NumberFormatException e) {
                throw new ConfigException(label("history.size-ratio") + ": '" + ratio + "' is not a percentage such as 30%");
            }
        }
    }

    private static Map<String, String> readDotenv(Path workDir) throws ConfigException {
        try {
            Map<String, String> m = new LinkedHashMap<>();
            Dotenv.configure().directory(workDir.toString()).ignoreIfMissing().load()
                    .entries(Dotenv.Filter.DECLARED_IN_ENV_FILE).forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        } catch (DotenvException e) {
            throw new ConfigException("Cannot read " + workDir.resolve(".env") + ": " + e.getMessage());
        }
    }

    private static void derive(Map<String, String> v) {
        Path backupDir = Path.of(v.get("backup.dir"));
        v.computeIfPresent("log.dir", (k, x) -> x.isEmpty() ? backupDir.resolve("verification_logs").toString() : x);
        v.computeIfPresent("restore.log-dir", (k, x) -> x.isEmpty() ? backupDir.resolve("restore_test_logs").toString() : x);
        Path logDir = Path.of(v.get("log.dir"));
        v.computeIfPresent("state.dir", (k, x) -> x.isEmpty() ? logDir.resolve("state").toString() : x);
        v.computeIfPresent("alert.outbox-dir", (k, x) -> x.isEmpty() ? logDir.resolve("outbox").toString() : x);
        Path stateDir = Path.of(v.get("state.dir"));
        v.computeIfPresent("restore.work-dir", (k, x) -> x.isEmpty() ? System.getProperty("java.io.tmpdir") : x);
        v.computeIfPresent("results.db-url", (k, x) -> x.isEmpty() ? "jdbc:sqlite:" + stateDir.resolve("results.db") : x);
    }

    private void validate() throws ConfigException {
        for (String key : List.of("check.min-size", "check.max-size")) {
            check(key, () -> Units.size(get(key)));
        }
        if (minSize() > maxSize()) {
            throw new ConfigException(label("check.min-size") + ": " + get("check.min-size") + " is larger than "
                    + label("check.max-size") + " " + get("check.max-size"));
        }
        for (String key : List.of("watch.poll-interval", "watch.stable-for", "watch.lock-timeout", "watch.lock-max-age",
                "alert.retry-delay", "alert.resend-interval", "metadata.clock-skew", "alert.smtp-timeout")) {
            check(key, () -> Units.duration(get(key)));
        }
        check("check.max-expanded-size", () -> maxExpandedSize());
        check("check.max-expansion-ratio", () -> nonNegative(get("check.max-expansion-ratio")));
        for (String key : List.of("restore.timeout", "restore.statement-timeout")) {
            check(key, () -> {
                if (Units.duration(get(key)).isZero()) {
                    throw new IllegalArgumentException("'" + get(key) + "' would stop every restore test: give a time limit such as 6h");
                }
                return null;
            });
        }
        check("restore.max-statement", () -> Units.size(get("restore.max-statement")));
        check("alert.retries", () -> nonNegative(get("alert.retries")));
        if (!get("smtp.host").isEmpty() && get("alert.email").isBlank()) {
            throw new ConfigException(label("alert.email") + ": required when " + label("smtp.host") + " is set");
        }
        check("logs.max-size", () -> Units.size(get("logs.max-size")));
        for (String key : List.of("history.max-age-daily", "history.max-age-weekly", "history.max-age-monthly",
                "logs.archive-after", "logs.delete-after")) {
            check(key, () -> Units.duration(get(key)));
        }
        for (String key : List.of("history.size-backups", "history.keep-daily", "history.keep-weekly", "history.keep-monthly")) {
            check(key, () -> nonNegative(get(key)));
        }
        check("history.size-ratio", () -> {
            double r = Double.parseDouble(get("history.size-ratio").strip());
            if (r <= 0 || r >= 1) {
                throw new IllegalArgumentException("'" + get("history.size-ratio") + "' is not a fraction between 0 and 1");
            }
            return r;
        });
        for (String key : List.of("schedule.daily-verify", "schedule.weekly-restore", "schedule.maintenance", "schedule.freshness",
                "schedule.daily-report")) {
            check(key, () -> {
                CronExpression.validateExpression(get(key));
                return null;
            });
        }
        check("restore.min-tables", () -> nonNegative(get("restore.min-tables")));
        check("restore.parallelism", () -> nonNegative(get("restore.parallelism")));
        check("restore.key-tables-not-empty", () -> bool(get("restore.key-tables-not-empty")));
        check("restore.reindex", () -> bool(get("restore.reindex")));
        check("restore.on-suspect", () -> bool(get("restore.on-suspect")));
        check("metadata.required", () -> bool(get("metadata.required")));
        check("cluster.enabled", () -> bool(get("cluster.enabled")));
        if (flag("cluster.enabled") && get("results.db-url").startsWith("jdbc:sqlite:")) {
            throw new ConfigException(label("cluster.enabled") + ": several nodes need one shared results store: set "
                    + label("results.db-url") + " to a PostgreSQL database");
        }
        check("verify.parallelism", () -> nonNegative(get("verify.parallelism")));
        check("test-db.retention-days", () -> nonNegative(get("test-db.retention-days")));
        for (String key : List.of("smtp.port", "test-db.port", "db.port")) {
            check(key, () -> port(get(key)));
        }
        for (String key : List.of("alert.email", "admin.email", "alert.from")) {
            check(key, () -> emails(get(key)));
        }
        check("smtp.starttls", () -> bool(get("smtp.starttls")));
        check("http.jolokia", () -> bool(get("http.jolokia")));
        check("http.port", () -> {
            if (!get("http.port").strip().equals("0")) {
                port(get("http.port"));
            }
            return null;
        });
        String host = get("http.host").strip();
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
        if (!loopback && !get("http.port").strip().equals("0") && get("http.auth-file").isEmpty()) {
            throw new ConfigException(label("http.host") + ": listening on " + host + " needs basic authentication: set "
                    + label("http.auth-file"));
        }
        if (flag("http.jolokia") && !get("http.port").strip().equals("0") && get("http.auth-file").isEmpty()) {
            throw new ConfigException(label("http.jolokia") + ": JMX over HTTP runs this service's operations, so it needs "
                    + "basic authentication: set " + label("http.auth-file"));
        }
        if (!get("http.auth-file").isEmpty() && !Files.isReadable(Path.of(get("http.auth-file")))) {
            throw new ConfigException(label("http.auth-file") + ": " + get("http.auth-file") + " is not a readable file");
        }
        check("database.type", () -> {
            if (!List.of("postgresql", "sqlite").contains(get("database.type"))) {
                throw new IllegalArgumentException("'" + get("database.type") + "' is not postgresql or sqlite");
            }
            return null;
        });
        check("results.db-url", () -> {
            String url = get("results.db-url");
            if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("'" + url + "' is not a jdbc:sqlite: or jdbc:postgresql: URL");
            }
            return null;
        });
        check("backup.include", () -> {
            if (include().isEmpty()) {
                throw new IllegalArgumentException("no file name pattern given");
            }
            return null;
        });
    }

    private interface Parse {
        Object run() throws Exception;
    }

    private void check(String key, Parse parse) throws ConfigException {
        try {
            parse.run();
        } catch (Exception e) {
            throw new ConfigException(label(key) + ": " + e.getMessage());
        }
    }

    private static int nonNegative(String s) {
        try {
            int n = Integer.parseInt(s.strip());
            if (n < 0) {
                throw new IllegalArgumentException("'" + s + "' is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a whole number");
        }
    }

    private static int port(String s) {
        try {
            int n = Integer.parseInt(s.strip());
            if (n < 1 || n > 65535) {
                throw new IllegalArgumentException("'" + s + "' is not a port number (1-65535)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a port number (1-65535)");
        }
    }

    private static Object emails(String s) {
        for (String a : s.split(",")) {
            if (!a.isBlank() && !EMAIL.matcher(a.strip()).matches()) {
                throw new IllegalArgumentException("'" + a.strip() + "' is not an e-mail address");
            }
        }
        return null;
    }

    private static boolean bool(String s) {
        if (!List.of("true", "false").contains(s.strip().toLowerCase())) {
            throw new IllegalArgumentException("'" + s + "' is not true or false");
        }
        return Boolean.parseBoolean(s.strip());
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

    public static String label(String property) {
        return ALL.stream().filter(s -> s.property().equals(property)).findFirst().map(Setting::label).orElse(property);
    }

    public String get(String property) {
        return values.getOrDefault(property, "");
    }

    public Path backupDir() {
        return Path.of(get("backup.dir"));
    }

    public Path logDir() {
        return Path.of(get("log.dir"));
    }

    public Path restoreLogDir() {
        return Path.of(get("restore.log-dir"));
    }

    public Path stateDir() {
        return Path.of(get("state.dir"));
    }

    public Path outboxDir() {
        return Path.of(get("alert.outbox-dir"));
    }

    /** This program's own directories: never backups, even inside the backup directory. */
    public List<Path> ownDirs() {
        return List.of(logDir(), restoreLogDir(), stateDir(), outboxDir());
    }

    public List<String> include() {
        return Arrays.stream(get("backup.include").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public long minSize() {
        return Units.size(get("check.min-size"));
    }

    public long maxSize() {
        return Units.size(get("check.max-size"));
    }

    /** MAX_EXPANDED_SIZE, or 20 times MAX_BACKUP_SIZE when unset. */
    public long maxExpandedSize() {
        String v = get("check.max-expanded-size").strip();
        if (v.isEmpty()) {
            long max = maxSize();
            return max > Long.MAX_VALUE / 20 ? Long.MAX_VALUE : max * 20;
        }
        return Units.size(v);
    }

    public int maxExpansionRatio() {
        return Integer.parseInt(get("check.max-expansion-ratio").strip());
    }

    public int parallelism() {
        int n = Integer.parseInt(get("verify.parallelism").strip());
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    public Duration pollInterval() {
        return Units.duration(get("watch.poll-interval"));
    }

    public boolean mailEnabled() {
        return !get("smtp.host").isEmpty();
    }

    /**
     * The camel-mail endpoint: smtps (implicit TLS) on port 465, else smtp (STARTTLS when
     * SMTP_STARTTLS=true, through the mailProperties bean). Without SMTP_HOST a placeholder
     * that is never used, so the route still starts.
     */
    String mailUri() {
        String host = mailEnabled() ? get("smtp.host") : "localhost";
        String scheme = "465".equals(get("smtp.port").strip()) ? "smtps" : "smtp";
        // credentials are not in the URI: they go to the component (camel.component.smtp.*), whose
        // password Camel masks wherever it logs configuration
        return scheme + "://" + host + ":" + get("smtp.port").strip() + "?additionalJavaMailProperties=#mailProperties&connectionTimeout=10000";
    }

    /** JavaMail session properties: STARTTLS and time-outs (a mail server that hangs must not hang us). */
    public Properties mailProperties() {
        Properties p = new Properties();
        boolean starttls = Boolean.parseBoolean(get("smtp.starttls").strip());
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(starttls));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(starttls));
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "30000");
        p.setProperty("mail.smtp.writetimeout", "30000");
        return p;
    }

    public Path restoreWorkDir() {
        return Path.of(get("restore.work-dir"));
    }

    public int restoreParallelism() {
        int n = Integer.parseInt(get("restore.parallelism").strip());
        return n > 0 ? n : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public int minTables() {
        return Integer.parseInt(get("restore.min-tables").strip());
    }

    public List<String> keyTables() {
        return Arrays.stream(get("restore.key-tables").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public boolean flag(String property) {
        return Boolean.parseBoolean(get(property).strip());
    }

    /** Named consistency queries from the configured file (name = SQL returning one count). */
    public Map<String, String> consistencyQueries(Path home) throws ConfigException {
        String configured = get("restore.consistency-file");
        Path file = configured.isEmpty() ? home.resolve("config").resolve("consistency-checks.properties") : Path.of(configured);
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
            throw new ConfigException(label("restore.consistency-file") + ": cannot read " + file + ": " + e.getMessage());
        }
        p.stringPropertyNames().stream().sorted().forEach(k -> queries.put(k, p.getProperty(k).strip()));
        return queries;
    }

    /**
     * Service mode only: the HTTP server (status page, /api/backups) and Camel's management
     * endpoints (/observe/health, /observe/metrics) on the same loopback port by default.
     */
    public Properties serviceProperties() {
        Properties p = new Properties();
        boolean http = !get("http.port").strip().equals("0");
        p.setProperty("camel.server.enabled", Boolean.toString(http));
        p.setProperty("camel.server.host", get("http.host"));
        p.setProperty("camel.server.port", get("http.port").strip());
        p.setProperty("camel.management.enabled", Boolean.toString(http));
        p.setProperty("camel.management.host", get("http.host"));
        p.setProperty("camel.management.port", get("http.port").strip());
        p.setProperty("camel.management.healthCheckEnabled", "true");
        p.setProperty("camel.health.exposureLevel", "full"); // DOWN says which check and why
        p.setProperty("camel.management.metricsEnabled", "true");
        p.setProperty("camel.management.jolokiaEnabled", Boolean.toString(http && flag("http.jolokia")));
        p.setProperty("camel.metrics.enabled", "true");
        p.setProperty("camel.metrics.enableRoutePolicy", "true");
        if (!get("http.auth-file").isEmpty()) {
            p.setProperty("camel.server.authenticationEnabled", "true");
            p.setProperty("camel.server.basicPropertiesFile", get("http.auth-file"));
            p.setProperty("camel.management.authenticationEnabled", "true");
            p.setProperty("camel.management.basicPropertiesFile", get("http.auth-file"));
        }
        return p;
    }

    /** Everything as Camel properties, so routes use {@code {{backup.dir}}} and friends. */
    public Properties camelProperties() {
        Properties p = new Properties();
        values.forEach(p::setProperty);
        // Camel endpoint options take milliseconds
        for (String key : List.of("watch.poll-interval", "watch.stable-for", "watch.lock-timeout", "alert.retry-delay",
                "alert.resend-interval", "alert.smtp-timeout", "restore.timeout", "restore.statement-timeout")) {
            p.setProperty(key + "-ms", Long.toString(Units.duration(get(key)).toMillis()));
        }
        p.setProperty("backup.dir.absolute", backupDir().toAbsolutePath().normalize().toString());
        p.setProperty("alert.mail-enabled", Boolean.toString(mailEnabled()));
        p.setProperty("alert.mail-uri", mailUri());
        if (!get("smtp.user").isEmpty()) {
            for (String scheme : List.of("smtp", "smtps")) {
                p.setProperty("camel.component." + scheme + ".username", get("smtp.user"));
                p.setProperty("camel.component." + scheme + ".password", get("smtp.password"));
            }
        }
        return p;
    }
}
