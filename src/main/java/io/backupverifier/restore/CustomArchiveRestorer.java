package io.backupverifier.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Restores a pg_dump custom archive with the real {@code pg_restore --no-owner --no-acl -j N},
 * when one is installed (PG_BIN_DIR, else the PATH), from a copy in the work directory (a
 * gzip-wrapped archive inflated: pg_restore -j needs a seekable file).
 */
public final class CustomArchiveRestorer implements ContentRestorer {

    private static final Pattern COULD_NOT_SET =
            Pattern.compile("^could not set (\\w+): ERROR: .*\"([A-Za-z0-9_]+)\"$");

    private final Optional<Path> pgRestore;
    private final int jobs;
    private final Duration timeout;
    private final BackupContent content;
    private final Path workDir;

    public CustomArchiveRestorer(String pgBinDir, int jobs) {
        this(
                pgBinDir,
                jobs,
                Duration.ofHours(6),
                new BackupContent(Long.MAX_VALUE, 0),
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** @param timeout the whole restore (RESTORE_TIMEOUT): pg_restore is stopped after it */
    CustomArchiveRestorer(String pgBinDir, int jobs, Duration timeout, BackupContent content, Path workDir) {
        this.pgRestore = find(pgBinDir);
        this.jobs = jobs;
        this.timeout = timeout;
        this.content = content;
        this.workDir = workDir;
    }

    @Override
    public String unavailable() {
        return pgRestore.isPresent()
                ? null
                : "Custom archives are restored with pg_restore, which is not installed: "
                        + "install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or set PG_BIN_DIR";
    }

    /**
     * pg_restore reads a private copy, never the backup: what it restores is then exactly what was
     * read and hashed ({@link RestoreResult#contentSha256}), even if the backup is replaced meanwhile.
     * Its schedule is pg_restore's: {@code indexCheck} runs after it, with the other checks.
     */
    @Override
    public RestoreOutcome restore(
            Path backup, TestDatabase db, RestoreResult result, PlainDumpRestorer.IndexCheck indexCheck)
            throws IOException {
        Path archive = content.copy(backup, WorkFiles.ARCHIVE, workDir, result::contentRead);
        try {
            return restore(archive, db, timeout);
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    @Override
    public String describe(RestoreOutcome outcome) {
        return " (pg_restore)";
    }

    public Optional<Path> pgRestore() {
        return pgRestore;
    }

    /** pg_restore in PG_BIN_DIR, else the first on the PATH (restore tests and {@code check} look the same way). */
    public static Optional<Path> find(String pgBinDir) {
        List<Path> candidates = new ArrayList<>();
        if (!pgBinDir.isEmpty()) {
            candidates.add(Path.of(pgBinDir, "pg_restore"));
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "pg_restore"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Runs pg_restore into the test database as its restore role (never the admin: whatever the
     * archive holds runs with the rights of the sandbox's owner); the archive must be a file
     * (for -j). Stopped when {@code timeout} passes.
     */
    public RestoreOutcome restore(Path archive, TestDatabase db, Duration timeout) {
        long started = System.currentTimeMillis();
        // no --exit-on-error: like the plain restore, objects only a superuser may create are skipped
        // and counted; any other error fails the restore (see verdict)
        List<String> cmd = List.of(
                pgRestore.orElseThrow().toString(),
                "--no-owner",
                "--no-acl",
                "-j",
                Integer.toString(jobs),
                "-h",
                db.host(),
                "-p",
                Integer.toString(db.port()),
                "-U",
                db.role(),
                "-d",
                db.database(),
                archive.toString());
        try {
            Path errors = Files.createTempFile("bv-pg_restore-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(errors.toFile());
                pb.environment().keySet().removeIf(k -> k.startsWith("PG")); // no service file, user or options of ours
                pb.environment().put("PGPASSWORD", db.password());
                pb.environment().put("PGCONNECT_TIMEOUT", "10");
                pb.environment().put("LC_ALL", "C"); // its messages are read below
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new RestoreOutcome(
                            "pg_restore did not finish within RESTORE_TIMEOUT",
                            0,
                            0,
                            0,
                            0,
                            System.currentTimeMillis() - started);
                }
                String err = Files.readString(errors, StandardCharsets.UTF_8).strip();
                return verdict(p.exitValue(), err, System.currentTimeMillis() - started);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            return new RestoreOutcome(
                    "Cannot run pg_restore: " + e.getMessage(), 0, 0, 0, 0, System.currentTimeMillis() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RestoreOutcome(
                    "Interrupted while pg_restore ran", 0, 0, 0, 0, System.currentTimeMillis() - started);
        }
    }

    /** One error pg_restore reported, with the command it names (empty when none). */
    record Failure(String message, String command) {}

    /** pg_restore's errors, from its stderr: each {@code pg_restore: error: ...} with its {@code Command was: ...}. */
    static List<Failure> failures(String stderr) {
        List<Failure> found = new ArrayList<>();
        String message = null;
        StringBuilder command = null;
        for (String line : stderr.split("\n", -1)) {
            if (line.startsWith("pg_restore: ")) {
                if (message != null) {
                    found.add(new Failure(
                            message, command == null ? "" : command.toString().strip()));
                }
                message =
                        line.startsWith("pg_restore: error: ") ? line.substring("pg_restore: error: ".length()) : null;
                command = null;
            } else if (message != null && line.startsWith("Command was: ")) {
                command = new StringBuilder(line.substring("Command was: ".length()));
            } else if (command != null) {
                command.append('\n').append(line);
            }
        }
        if (message != null) {
            found.add(new Failure(
                    message, command == null ? "" : command.toString().strip()));
        }
        // pg_restore says "could not set default_table_access_method: ERROR: ... "heap2"" without the
        // command: it is written back, so that it can be recognised as naming an object not created
        return found.stream()
                .map(f -> {
                    Matcher m = COULD_NOT_SET.matcher(f.message());
                    return f.command().isEmpty() && m.find()
                            ? new Failure(f.message(), "SET " + m.group(1) + " = " + m.group(2) + ";")
                            : f;
                })
                .toList();
    }

    /**
     * The outcome from pg_restore's exit code and errors: errors only about objects a superuser must
     * create (refused for lack of rights, and then the statements about those objects) make a
     * restore that succeeded with them counted, as the plain restore does; any other error fails it.
     */
    static RestoreOutcome verdict(int exit, String stderr, long millis) {
        if (exit == 0) {
            return new RestoreOutcome(null, 0, 0, 0, 0, millis);
        }
        List<Failure> all = failures(stderr);
        Set<String> notCreated = new HashSet<>();
        // by identity: two failures with the same message and command are two statements
        Set<Failure> superuser = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Failure f : all) {
            DumpStatement st = DumpStatement.of(f.command());
            String m = f.message();
            boolean refused =
                    (m.contains("permission denied") || m.contains("must be superuser") || m.contains("must be owner"))
                                    && st.mayNeedSuperuser()
                            || m.contains("cannot be internal") && st.hasInternalState();
            if (refused) {
                superuser.add(f);
                if (st.createdName() != null) {
                    notCreated.add(st.createdName());
                }
            }
        }
        // then what is about those objects (a comment), or depends on them (a table of such a type, its
        // data, its indexes; a SET default_table_access_method naming such a method), to the end of the chain
        for (boolean more = true; more; ) {
            more = false;
            for (Failure f : all) {
                if (superuser.contains(f)) {
                    continue;
                }
                DumpStatement st = DumpStatement.of(f.command());
                boolean missing = f.message().contains("does not exist")
                        || f.message().contains("invalid value for parameter") && st.startsWith("SET");
                if (missing && notCreated.stream().anyMatch(st::mentions)) {
                    superuser.add(f);
                    if (st.createdName() != null) {
                        more |= notCreated.add(st.createdName());
                    }
                }
            }
        }
        Failure other =
                all.stream().filter(f -> !superuser.contains(f)).findFirst().orElse(null);
        if (other != null || superuser.isEmpty()) {
            String first = other != null
                    ? "pg_restore: error: " + other.message()
                    : stderr.lines()
                            .filter(l -> l.contains("error"))
                            .findFirst()
                            .orElse(stderr.lines().findFirst().orElse(""));
            String command = other != null ? other.command() : "";
            if (!command.isEmpty()) {
                String oneLine = command.replaceAll("\\s+", " ");
                first += " (in: " + (oneLine.length() > 100 ? oneLine.substring(0, 97) + "..." : oneLine) + ")";
            }
            return new RestoreOutcome(
                    "pg_restore failed (exit " + exit + "): " + DumpStatement.escape(first), 0, 0, 0, 0, millis);
        }
        List<RestoreOutcome.Skip> first = all.stream()
                .filter(superuser::contains)
                .limit(RestoreOutcome.Skips.KEPT)
                .map(f -> new RestoreOutcome.Skip(0, head(f.command()), null))
                .toList();
        return new RestoreOutcome(
                null, 0, 0, 0, 0, millis, new RestoreOutcome.Skips(superuser.size(), first), RestoreOutcome.Skips.NONE);
    }

    /** "CREATE EVENT TRIGGER noop ON ddl_command_end ...": the command's first line, short. */
    private static String head(String command) {
        String e = DumpStatement.excerpt(command);
        int paren = e.indexOf('(');
        return paren > 0 ? e.substring(0, paren).strip() + " ..." : e;
    }
}
