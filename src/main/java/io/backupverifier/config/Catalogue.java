package io.backupverifier.config;

import static io.backupverifier.config.SettingType.COUNT;
import static io.backupverifier.config.SettingType.CRON;
import static io.backupverifier.config.SettingType.DURATION;
import static io.backupverifier.config.SettingType.EMAILS;
import static io.backupverifier.config.SettingType.FLAG;
import static io.backupverifier.config.SettingType.FRACTION;
import static io.backupverifier.config.SettingType.GLOBS;
import static io.backupverifier.config.SettingType.JDBC_URL;
import static io.backupverifier.config.SettingType.LIST;
import static io.backupverifier.config.SettingType.PATH;
import static io.backupverifier.config.SettingType.PORT;
import static io.backupverifier.config.SettingType.PORT_OR_OFF;
import static io.backupverifier.config.SettingType.READABLE_FILE;
import static io.backupverifier.config.SettingType.SECRET;
import static io.backupverifier.config.SettingType.SIZE;
import static io.backupverifier.config.SettingType.TEXT;
import static io.backupverifier.config.SettingType.TIME_LIMIT;

import java.util.List;
import java.util.Optional;

/**
 * Every key this program reads, in the order the README's configuration table lists them:
 * property, environment variable, default, type, meaning. The names and defaults are the
 * contract with existing users (DESIGN.md section 8); {@code ReadmeConfigurationTableTest}
 * holds the README to this list.
 */
final class Catalogue {

    private static final SettingType<String> DATABASE_TYPE = SettingType.oneOf("postgresql", "sqlite");

    static final List<Setting> ALL = List.of(
            new Setting(
                    "backup.dir", "BACKUP_DIR", "./backups", PATH, "the backup directory; read-only to this program"),
            new Setting(
                    "backup.include",
                    "BACKUP_INCLUDE",
                    "*.gz,*.tgz,*.dump,*.backup,*.sqlite,*.sqlite3,*.db",
                    GLOBS,
                    "file name globs of backups, comma-separated"),
            new Setting(
                    "log.dir",
                    "VERIFICATION_LOG_DIR",
                    "",
                    PATH,
                    "run logs and reports; default $BACKUP_DIR/verification_logs"),
            new Setting(
                    "restore.log-dir",
                    "RESTORE_LOG_DIR",
                    "",
                    PATH,
                    "restore test logs; default $BACKUP_DIR/restore_test_logs"),
            new Setting(
                    "state.dir",
                    "STATE_DIR",
                    "",
                    PATH,
                    "results database and other state; default $VERIFICATION_LOG_DIR/state"),
            new Setting(
                    "alert.outbox-dir",
                    "ALERT_OUTBOX_DIR",
                    "",
                    PATH,
                    "alerts waiting for delivery; default $VERIFICATION_LOG_DIR/outbox"),
            new Setting("check.min-size", "MIN_BACKUP_SIZE", "100B", SIZE, "smaller backups fail the size check"),
            new Setting("check.max-size", "MAX_BACKUP_SIZE", "100GB", SIZE, "larger backups fail the size check"),
            new Setting(
                    "check.max-expanded-size",
                    "MAX_EXPANDED_SIZE",
                    "",
                    SIZE,
                    "a gzip backup that inflates to more fails at once (a gzip bomb); empty = 20 x MAX_BACKUP_SIZE"),
            new Setting(
                    "check.max-expansion-ratio",
                    "MAX_EXPANSION_RATIO",
                    "1000",
                    COUNT,
                    "a gzip backup inflating more than this many times its compressed size fails (0 = no limit)"),
            new Setting(
                    "metadata.required",
                    "METADATA_REQUIRED",
                    "true",
                    FLAG,
                    "false: a backup without a .meta.json sidecar is a metadata WARNING, not FAILED"),
            new Setting(
                    "metadata.clock-skew",
                    "METADATA_CLOCK_SKEW",
                    "5m",
                    DURATION,
                    "a sidecar created_at further in the future than this fails the metadata check"),
            new Setting(
                    "verify.parallelism",
                    "VERIFY_PARALLELISM",
                    "0",
                    COUNT,
                    "backups verified at once by verify --all; 0 = one per core"),
            new Setting(
                    "watch.poll-interval",
                    "WATCH_POLL_INTERVAL",
                    "10s",
                    DURATION,
                    "how often the watcher looks for new backups"),
            new Setting(
                    "watch.stable-for",
                    "WATCH_STABLE_FOR",
                    "5s",
                    DURATION,
                    "a file must keep its size and time this long before it is verified"),
            new Setting(
                    "watch.lock-timeout",
                    "WATCH_LOCK_TIMEOUT",
                    "60s",
                    DURATION,
                    "how long one poll waits for a growing file before trying again later"),
            new Setting(
                    "cluster.enabled",
                    "CLUSTER_ENABLED",
                    "false",
                    FLAG,
                    "several nodes share BACKUP_DIR and the PostgreSQL results store: one lock per backup, timers fire once"),
            new Setting(
                    "watch.lock-max-age",
                    "WATCH_LOCK_MAX_AGE",
                    "60s",
                    DURATION,
                    "several nodes on one PostgreSQL: a backup whose node stopped answering this long is taken over by another"),
            new Setting(
                    "schedule.daily-verify",
                    "DAILY_VERIFY_CRON",
                    "0 0 2 * * ?",
                    CRON,
                    "Quartz cron of the daily verify --all"),
            new Setting(
                    "schedule.weekly-restore",
                    "WEEKLY_RESTORE_CRON",
                    "0 0 4 ? * SUN",
                    CRON,
                    "Quartz cron of the weekly restore test of the latest backup of each category"),
            new Setting(
                    "schedule.maintenance",
                    "MAINTENANCE_CRON",
                    "0 0 5 ? * SUN",
                    CRON,
                    "Quartz cron of maintenance (cleanup)"),
            new Setting(
                    "restore.min-tables",
                    "RESTORE_MIN_TABLES",
                    "10",
                    COUNT,
                    "a restored database needs at least this many tables"),
            new Setting(
                    "restore.key-tables",
                    "RESTORE_KEY_TABLES",
                    "",
                    LIST,
                    "tables that must exist after a restore, comma-separated"),
            new Setting(
                    "restore.key-tables-not-empty",
                    "RESTORE_KEY_TABLES_NOT_EMPTY",
                    "false",
                    FLAG,
                    "key tables must also have rows"),
            new Setting(
                    "restore.consistency-file",
                    "CONSISTENCY_CHECKS_FILE",
                    "",
                    PATH,
                    "named SQL counts that must be 0; default config/consistency-checks.properties"),
            new Setting(
                    "restore.parallelism",
                    "RESTORE_PARALLELISM",
                    "0",
                    COUNT,
                    "connections a restore loads data on; 0 = cores (at least 2)"),
            new Setting(
                    "restore.work-dir",
                    "RESTORE_WORK_DIR",
                    "",
                    PATH,
                    "temporary files and the embedded server; default the system temp dir"),
            new Setting(
                    "restore.pg-bin-dir",
                    "PG_BIN_DIR",
                    "",
                    PATH,
                    "where pg_restore is, for custom archives; default the PATH"),
            new Setting(
                    "restore.timeout",
                    "RESTORE_TIMEOUT",
                    "6h",
                    TIME_LIMIT,
                    "a whole restore test; then it is stopped and reported ERROR"),
            new Setting(
                    "restore.statement-timeout",
                    "RESTORE_STATEMENT_TIMEOUT",
                    "1h",
                    TIME_LIMIT,
                    "one statement of a dump or a check; a longer one is cancelled and the restore FAILED naming its line"),
            new Setting(
                    "restore.max-statement",
                    "RESTORE_MAX_STATEMENT",
                    "1GiB",
                    SIZE,
                    "a plain dump's statement longer than this fails the restore naming its line"),
            new Setting(
                    "restore.embedded-user",
                    "EMBEDDED_PG_USER",
                    "nobody",
                    TEXT,
                    "OS user the embedded PostgreSQL runs as when this program runs as root"),
            new Setting(
                    "restore.reindex",
                    "RESTORE_REINDEX",
                    "false",
                    FLAG,
                    "reindex runs a separate REINDEX DATABASE; false reports the restore's own index builds"),
            new Setting(
                    "restore.on-suspect",
                    "RESTORE_ON_SUSPECT",
                    "true",
                    FLAG,
                    "restore-test a backup whose sidecar or checksum failed but whose data read cleanly"),
            new Setting(
                    "history.size-backups",
                    "SIZE_HISTORY_BACKUPS",
                    "7",
                    COUNT,
                    "size_anomaly compares with the median of this many earlier backups"),
            new Setting(
                    "history.size-ratio",
                    "SIZE_ANOMALY_RATIO",
                    "0.3",
                    FRACTION,
                    "a size further than this fraction from the median is a WARNING (below half the median: FAILED)"),
            new Setting(
                    "history.max-age-daily",
                    "FRESHNESS_DAILY",
                    "26h",
                    DURATION,
                    "the newest daily backup must be younger"),
            new Setting(
                    "history.max-age-weekly",
                    "FRESHNESS_WEEKLY",
                    "8d",
                    DURATION,
                    "the newest weekly backup must be younger"),
            new Setting(
                    "history.max-age-monthly",
                    "FRESHNESS_MONTHLY",
                    "32d",
                    DURATION,
                    "the newest monthly backup must be younger"),
            new Setting(
                    "history.keep-daily", "RETENTION_DAILY", "7", COUNT, "fewer daily backups is a retention WARNING"),
            new Setting(
                    "history.keep-weekly",
                    "RETENTION_WEEKLY",
                    "4",
                    COUNT,
                    "fewer weekly backups is a retention WARNING"),
            new Setting(
                    "history.keep-monthly",
                    "RETENTION_MONTHLY",
                    "12",
                    COUNT,
                    "fewer monthly backups is a retention WARNING"),
            new Setting(
                    "schedule.daily-report",
                    "DAILY_REPORT_CRON",
                    "0 30 2 * * ?",
                    CRON,
                    "Quartz cron of the daily report (mailed to ADMIN_EMAIL)"),
            new Setting(
                    "schedule.freshness",
                    "FRESHNESS_CRON",
                    "0 15 * * * ?",
                    CRON,
                    "Quartz cron of the hourly freshness check"),
            new Setting(
                    "logs.archive-after",
                    "LOG_ARCHIVE_AFTER",
                    "30d",
                    DURATION,
                    "maintenance gzips logs and reports older than this"),
            new Setting(
                    "logs.delete-after",
                    "LOG_DELETE_AFTER",
                    "90d",
                    DURATION,
                    "maintenance deletes log archives older than this"),
            new Setting(
                    "logs.max-size",
                    "LOG_DIR_MAX_SIZE",
                    "1GB",
                    SIZE,
                    "maintenance deletes the oldest logs while a log directory is larger"),
            new Setting(
                    "http.host",
                    "HTTP_HOST",
                    "127.0.0.1",
                    TEXT,
                    "service mode: health, metrics and status page listen here"),
            new Setting("http.port", "HTTP_PORT", "8080", PORT_OR_OFF, "service mode: HTTP port; 0 turns HTTP off"),
            new Setting(
                    "http.jolokia", "HTTP_JOLOKIA", "false", FLAG, "service mode: JMX over HTTP at /observe/jolokia"),
            new Setting(
                    "http.auth-file",
                    "HTTP_AUTH_FILE",
                    "",
                    READABLE_FILE,
                    "HTTP basic authentication users (lines user.NAME = PASSWORD,ROLE and role.ROLE = *); required off loopback"),
            new Setting(
                    "results.db-url",
                    "RESULTS_DB_URL",
                    "",
                    JDBC_URL,
                    "JDBC URL of the results store; default an SQLite file in $STATE_DIR"),
            new Setting("results.db-user", "RESULTS_DB_USER", "", TEXT, "results store user (PostgreSQL)"),
            new Setting(
                    "results.db-password", "RESULTS_DB_PASSWORD", "", SECRET, "results store password (PostgreSQL)"),
            new Setting("alert.email", "ALERT_EMAIL", "", EMAILS, "alert recipients, comma-separated"),
            new Setting("admin.email", "ADMIN_EMAIL", "", EMAILS, "recipient of the daily report"),
            new Setting("alert.from", "ALERT_FROM", "backup-verifier@localhost", EMAILS, "sender of alerts"),
            new Setting(
                    "alert.retries",
                    "ALERT_RETRIES",
                    "3",
                    COUNT,
                    "delivery attempts after the first, with back-off, before an alert waits in the outbox"),
            new Setting(
                    "alert.retry-delay",
                    "ALERT_RETRY_DELAY",
                    "2s",
                    DURATION,
                    "the first back-off; each next one doubles"),
            new Setting(
                    "alert.resend-interval",
                    "ALERT_RESEND_INTERVAL",
                    "5m",
                    DURATION,
                    "how often alerts waiting in the outbox are sent again"),
            new Setting(
                    "alert.smtp-timeout",
                    "SMTP_TIMEOUT",
                    "60s",
                    DURATION,
                    "longest time one delivery to the SMTP server may take (connect, talk, send); then it is retried later"),
            new Setting("smtp.host", "SMTP_HOST", "", TEXT, "SMTP server; unset = alerts go only to the outbox"),
            new Setting("smtp.port", "SMTP_PORT", "25", PORT, "SMTP port"),
            new Setting("smtp.user", "SMTP_USER", "", TEXT, "SMTP user"),
            new Setting("smtp.password", "SMTP_PASSWORD", "", SECRET, "SMTP password"),
            new Setting("smtp.starttls", "SMTP_STARTTLS", "false", FLAG, "use STARTTLS"),
            new Setting(
                    "test-db.host", "TEST_DB_HOST", "", TEXT, "server for restore tests; unset = embedded PostgreSQL"),
            new Setting("test-db.port", "TEST_DB_PORT", "5432", PORT, "restore test server port"),
            new Setting("test-db.user", "TEST_DB_USER", "postgres", TEXT, "restore test server user"),
            new Setting("test-db.password", "TEST_DB_PASSWORD", "", SECRET, "restore test server password"),
            new Setting(
                    "test-db.retention-days",
                    "TEST_DB_RETENTION_DAYS",
                    "7",
                    COUNT,
                    "leftover test databases older than this are dropped"),
            new Setting(
                    "database.type",
                    "DATABASE_TYPE",
                    "postgresql",
                    DATABASE_TYPE,
                    "live database kind for check-db: postgresql or sqlite"),
            new Setting("db.host", "DB_HOST", "localhost", TEXT, "live database host"),
            new Setting("db.port", "DB_PORT", "5432", PORT, "live database port"),
            new Setting("db.user", "DB_USER", "postgres", TEXT, "live database user"),
            new Setting("db.password", "DB_PASSWORD", "", SECRET, "live database password"),
            new Setting("db.name", "DB_NAME", "thebot", TEXT, "live database name (or SQLite file)"));

    private Catalogue() {}

    /** The setting of a property, if it is one of ours. */
    static Optional<Setting> find(String property) {
        return ALL.stream().filter(s -> s.property().equals(property)).findFirst();
    }

    /** The setting of a property this program reads; a name not in the catalogue is a programming error. */
    static Setting of(String property) {
        return find(property).orElseThrow(() -> new IllegalArgumentException(property + " is not a setting"));
    }
}
