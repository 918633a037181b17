package io.backupverifier.cli;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.config.ConfigNotice;
import io.backupverifier.config.Settings;
import io.backupverifier.history.CategoryChecks;
import io.backupverifier.history.CategoryResult;
import io.backupverifier.restore.CustomArchiveRestorer;
import io.backupverifier.store.ResultsQueries;
import io.backupverifier.store.ResultsStore;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The items of {@code check}, Barman style: each says OK or FAILED, what it found and, when
 * FAILED, the fix. Nothing is written except a probe file in this program's own directories,
 * removed at once; no mail is sent; no database is created.
 */
final class InstallationChecks {

    /** One item: {@code id} for scripts, {@code name} for people. */
    record Item(String id, String name, boolean ok, String message, String fix) {

        static Item ok(String id, String name, String message) {
            return new Item(id, name, true, message, "");
        }

        static Item failed(String id, String name, String message, String fix) {
            return new Item(id, name, false, message, fix);
        }
    }

    private final Settings settings;
    private final Path home;
    private final Clock clock;

    InstallationChecks(Settings settings, Path home, Clock clock) {
        this.settings = settings;
        this.home = home;
        this.clock = clock;
    }

    List<Item> run() {
        List<Item> items = new ArrayList<>();
        Item backupDir = backupDir();
        items.add(backupDir);
        items.add(writable("log_dir", "log directory", "log.dir", settings.logDir()));
        items.add(writable("restore_log_dir", "restore log directory", "restore.log-dir", settings.restoreLogDir()));
        items.add(writable("state_dir", "state directory", "state.dir", settings.stateDir()));
        items.add(writable("outbox_dir", "alert outbox directory", "alert.outbox-dir", settings.outboxDir()));
        items.add(resultsStore());
        items.add(smtp());
        items.add(settings.get("test-db.host").isEmpty() ? embeddedServer() : testDatabase());
        List<BackupCatalog.Entry> entries =
                backupDir.ok() ? BackupCatalog.of(settings).entries() : List.of();
        items.add(pgRestore(entries));
        if (backupDir.ok()) {
            items.addAll(freshness());
        }
        items.addAll(configuration());
        return items;
    }

    private Item backupDir() {
        Path d = settings.backupDir().toAbsolutePath().normalize();
        String key = Settings.label("backup.dir");
        if (!Files.isDirectory(d)) {
            return Item.failed(
                    "backup_dir",
                    "backup directory",
                    d + " is not a directory",
                    "set " + key + " to the directory the backup job writes to");
        }
        if (!Files.isReadable(d) || !Files.isExecutable(d)) {
            return Item.failed(
                    "backup_dir",
                    "backup directory",
                    d + " is not readable by " + user(),
                    "give " + user() + " read access (e.g. add it to the directory's group)");
        }
        int n = BackupCatalog.of(settings).list().size();
        return Item.ok("backup_dir", "backup directory", d + " is readable, " + n + " backup" + (n == 1 ? "" : "s"));
    }

    /** Writable now (a probe file is made and removed), or creatable when it does not exist yet. */
    static Item writable(String id, String name, String property, Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        String key = Settings.label(property);
        String fix = "give " + user() + " write access to it, or set " + key + " to a directory it can write";
        if (Files.exists(d)) {
            if (!Files.isDirectory(d)) {
                return Item.failed(id, name, d + " is a file, not a directory", "remove the file, or set " + key);
            }
            try {
                Path probe = Files.createTempFile(d, ".bv-check-", ".tmp");
                Files.delete(probe);
                return Item.ok(id, name, d + " is writable");
            } catch (IOException e) {
                return Item.failed(id, name, d + " is not writable by " + user(), fix);
            }
        }
        Path parent = d.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent != null && !Files.isDirectory(parent)) {
            return Item.failed(
                    id, name, d + " cannot be created: " + parent + " is a file", "remove the file, or set " + key);
        }
        if (parent != null && Files.isWritable(parent) && Files.isExecutable(parent)) {
            return Item.ok(id, name, d + " does not exist yet and will be created");
        }
        return Item.failed(
                id,
                name,
                d + " does not exist and cannot be created (" + parent + " is not writable by " + user() + ")",
                "create it for " + user() + ", or set " + key + " to a directory it can write");
    }

    private Item resultsStore() {
        String url = ConfigCommand.shown("results.db-url", settings.get("results.db-url"));
        Optional<String> problem;
        try {
            problem = StoredResults.of(settings).problem();
        } catch (RuntimeException e) {
            problem = Optional.of(String.valueOf(e.getMessage()));
        }
        Path spool = settings.stateDir().resolve("results-spool");
        int waiting = ResultsQueries.waiting(spool);
        if (problem.isEmpty() && waiting == 0) {
            return Item.ok("results_store", "results store", url + " answers");
        }
        if (problem.isEmpty()) {
            return Item.failed(
                    "results_store",
                    "results store",
                    url + " answers, but " + waiting + " result(s) still wait in "
                            + spool.toAbsolutePath().normalize(),
                    "run any command that verifies, or the service: it writes them");
        }
        String fix = problem.get().startsWith("tables missing")
                ? "run backup-verifier verify once: it creates them (the user needs CREATE)"
                : problem.get().startsWith(ResultsStore.FAILED_MIGRATION + " ")
                        ? "remove what it half did, delete its row from bv_schema_history, then run backup-verifier"
                                + " verify once: it applies the migration again and writes the waiting results"
                        : url.startsWith("jdbc:sqlite:")
                                ? "check the state directory and the file's permissions"
                                : "check " + Settings.label("results.db-url")
                                        + ", RESULTS_DB_USER and RESULTS_DB_PASSWORD, and that the server is up";
        return Item.failed("results_store", "results store", url + ": " + problem.get(), fix);
    }

    /** Connects, says EHLO (and logs in when SMTP_USER is set), sends nothing. */
    private Item smtp() {
        String host = settings.get("smtp.host");
        if (host.isEmpty()) {
            return Item.ok(
                    "smtp",
                    "SMTP server",
                    "SMTP_HOST not set: alerts wait in "
                            + settings.outboxDir().toAbsolutePath().normalize() + " and are not mailed");
        }
        int port = settings.port("smtp.port");
        String protocol = port == 465 ? "smtps" : "smtp";
        Properties p = new Properties();
        settings.mailProperties()
                .forEach((k, v) -> p.put(k.toString().replace("mail.smtp.", "mail." + protocol + "."), v));
        String user = settings.get("smtp.user");
        boolean auth = !user.isEmpty();
        p.setProperty("mail." + protocol + ".auth", Boolean.toString(auth));
        String where = host + ":" + port;
        try (Transport t = Session.getInstance(p).getTransport(protocol)) {
            t.connect(host, port, auth ? user : null, auth ? settings.get("smtp.password") : null);
            return Item.ok(
                    "smtp", "SMTP server", where + " answers EHLO" + (auth ? " and accepts the login of " + user : ""));
        } catch (AuthenticationFailedException e) {
            return Item.failed(
                    "smtp",
                    "SMTP server",
                    where + " refuses the login of " + user,
                    "check SMTP_USER and SMTP_PASSWORD");
        } catch (MessagingException e) {
            String why = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getCause().getMessage()
                    : e.getMessage();
            return Item.failed(
                    "smtp",
                    "SMTP server",
                    where + " does not answer: " + String.valueOf(why).strip(),
                    "check SMTP_HOST, SMTP_PORT and SMTP_STARTTLS, and that this host may reach the server");
        }
    }

    /** The configured server: reachable, and the user may create databases and roles. */
    private Item testDatabase() {
        String where = settings.get("test-db.host") + ":"
                + settings.get("test-db.port").strip();
        String user = settings.get("test-db.user");
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", settings.get("test-db.password"));
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "30");
        p.setProperty("ApplicationName", "backup-verifier check");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + where + "/postgres", p);
                PreparedStatement q =
                        c.prepareStatement("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_catalog.pg_roles"
                                + " WHERE rolname OPERATOR(pg_catalog.=) current_user");
                ResultSet rs = q.executeQuery()) {
            rs.next();
            if (rs.getBoolean(1) || rs.getBoolean(2) && rs.getBoolean(3)) {
                return Item.ok(
                        "test_database",
                        "test database server",
                        where + " answers; " + user + " may create databases and roles");
            }
            return Item.failed(
                    "test_database",
                    "test database server",
                    where + " answers, but " + user + " lacks "
                            + (rs.getBoolean(2)
                                    ? "CREATEROLE"
                                    : rs.getBoolean(3) ? "CREATEDB" : "CREATEDB and CREATEROLE"),
                    "ALTER ROLE " + user + " CREATEDB CREATEROLE");
        } catch (SQLException e) {
            return Item.failed(
                    "test_database",
                    "test database server",
                    where + ": " + e.getMessage().strip(),
                    "check TEST_DB_HOST, TEST_DB_PORT, TEST_DB_USER and TEST_DB_PASSWORD, and that the server is up");
        }
    }

    /**
     * The embedded server is not started (that takes seconds and a restore test does it anyway):
     * its binaries must be in the jar, its work directory writable, and as root setpriv and an
     * unprivileged EMBEDDED_PG_USER must be there.
     */
    private Item embeddedServer() {
        String name = "embedded test database";
        Item work = writable("test_database", name, "restore.work-dir", settings.restoreWorkDir());
        if (!work.ok()) {
            return work;
        }
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm_64" : "x86_64";
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch)) {
            if (in == null) {
                throw new IOException("not found");
            }
        } catch (IOException | RuntimeException e) {
            return Item.failed(
                    "test_database",
                    name,
                    "the PostgreSQL binaries for Linux " + arch + " are not in this build",
                    "set TEST_DB_HOST to a PostgreSQL server for restore tests");
        }
        String osUser = settings.get("restore.embedded-user");
        if ("root".equals(user())) {
            if (osUser.isBlank() || osUser.equals("root")) {
                return Item.failed(
                        "test_database",
                        name,
                        "running as root, and EMBEDDED_PG_USER is " + (osUser.isBlank() ? "empty" : "root"),
                        "set EMBEDDED_PG_USER to an unprivileged OS user, or TEST_DB_HOST");
            }
            if (Arrays.stream(new String[] {"/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"})
                    .map(Path::of)
                    .noneMatch(Files::isExecutable)) {
                return Item.failed(
                        "test_database",
                        name,
                        "running as root, and setpriv (util-linux) is not installed",
                        "install util-linux, or set TEST_DB_HOST");
            }
            if (!userExists(osUser)) {
                return Item.failed(
                        "test_database",
                        name,
                        "EMBEDDED_PG_USER " + osUser + " is not a user of this host",
                        "create the user, or set EMBEDDED_PG_USER to an existing unprivileged user");
            }
        }
        return Item.ok(
                "test_database",
                name,
                "PostgreSQL binaries present, "
                        + settings.restoreWorkDir().toAbsolutePath().normalize() + " writable"
                        + ("root".equals(user()) ? ", runs as " + osUser : "")
                        + " (the server starts at the restore test)");
    }

    private Item pgRestore(List<BackupCatalog.Entry> entries) {
        long custom = entries.stream().filter(e -> isCustomArchive(e.file())).count();
        Optional<Path> found = CustomArchiveRestorer.find(settings.get("restore.pg-bin-dir"));
        if (found.isPresent()) {
            return Item.ok("pg_restore", "pg_restore", found.get() + " (" + version(found.get()) + ")");
        }
        String where = settings.get("restore.pg-bin-dir").isEmpty()
                ? "on the PATH"
                : "in " + settings.get("restore.pg-bin-dir");
        if (custom == 0) {
            return Item.ok(
                    "pg_restore",
                    "pg_restore",
                    "not found " + where + "; needed only for custom archives, and there are none");
        }
        return Item.failed(
                "pg_restore",
                "pg_restore",
                "not found " + where + ", and " + custom + " backup"
                        + (custom == 1 ? " is a custom archive" : "s are custom archives"),
                "install the PostgreSQL client tools, or set PG_BIN_DIR to where pg_restore is");
    }

    private static String version(Path pgRestore) {
        try {
            Process p = new ProcessBuilder(pgRestore.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "version unknown";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "version unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    private static boolean isCustomArchive(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(5), "PGDMP".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    private List<Item> freshness() {
        CategoryChecks checks = new CategoryChecks(
                BackupCatalog.of(settings),
                Map.of(
                        "daily",
                        settings.duration("history.max-age-daily"),
                        "weekly",
                        settings.duration("history.max-age-weekly"),
                        "monthly",
                        settings.duration("history.max-age-monthly")),
                Map.of(
                        "daily",
                        settings.count("history.keep-daily"),
                        "weekly",
                        settings.count("history.keep-weekly"),
                        "monthly",
                        settings.count("history.keep-monthly")),
                clock);
        List<Item> out = new ArrayList<>();
        for (CategoryResult r : checks.evaluate()) {
            CheckResult f = r.checks().get("freshness");
            String id = "freshness_" + r.category();
            String name = r.category() + " backups fresh";
            String key = "FRESHNESS_" + r.category().toUpperCase(Locale.ROOT);
            out.add(
                    f.status() == CheckStatus.FAILED
                            ? Item.failed(
                                    id,
                                    name,
                                    f.message(),
                                    "check the " + r.category() + " backup job (its cron and its log), or " + key)
                            : Item.ok(id, name, f.message()));
        }
        return out;
    }

    private List<Item> configuration() {
        List<Item> out = new ArrayList<>();
        for (ConfigNotice n : settings.notices()) {
            if (n.isWarning()) {
                out.add(Item.failed(
                        "config_key_" + n.key(),
                        "configuration key " + n.key(),
                        n.message(),
                        "correct or remove " + n.key()));
            }
        }
        if (out.isEmpty()) {
            out.add(Item.ok("configuration", "configuration keys", "every key is known"));
        }
        return out;
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    private static boolean userExists(String name) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(name + ":"));
        } catch (IOException e) {
            return true; // cannot tell: the restore test will say
        }
    }
}
