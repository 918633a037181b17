package io.backupverifier.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Restores a pg_dump custom archive with the real {@code pg_restore --no-owner --no-acl -j N},
 * when one is installed (PG_BIN_DIR, else the PATH).
 */
public final class CustomArchiveRestorer {

    private final Optional<Path> pgRestore;
    private final int jobs;

    public CustomArchiveRestorer(String pgBinDir, int jobs) {
        this.pgRestore = find(pgBinDir);
        this.jobs = jobs;
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

    /** This restorer with its archive, ready to restore into a test database. */
    public Bound withArchive(Path archive) {
        return (db, timeout) -> restore(archive, db, timeout);
    }

    /** A restore waiting for its test database. */
    public interface Bound {
        RestoreOutcome restore(TestDatabase db, java.time.Duration timeout);
    }

    /**
     * Runs pg_restore into the test database as its restore role (never the admin: whatever the
     * archive holds runs with the rights of the sandbox's owner); the archive must be a file
     * (for -j). Stopped when {@code timeout} passes.
     */
    public RestoreOutcome restore(Path archive, TestDatabase db, java.time.Duration timeout) {
        long started = System.currentTimeMillis();
        List<String> cmd = List.of(pgRestore.orElseThrow().toString(), "--no-owner", "--no-acl", "--exit-on-error",
                "-j", Integer.toString(jobs), "-h", db.host(), "-p", Integer.toString(db.port()), "-U", db.role(),
                "-d", db.database(), archive.toString());
        try {
            Path errors = Files.createTempFile("bv-pg_restore-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(errors.toFile());
                pb.environment().keySet().removeIf(k -> k.startsWith("PG")); // no service file, user or options of ours
                pb.environment().put("PGPASSWORD", db.password());
                pb.environment().put("PGCONNECT_TIMEOUT", "10");
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new RestoreOutcome("pg_restore did not finish within RESTORE_TIMEOUT", 0, 0, 0, 0,
                            System.currentTimeMillis() - started);
                }
                String err = Files.readString(errors, StandardCharsets.UTF_8).strip();
                if (p.exitValue() != 0) {
                    String first = err.lines().filter(l -> l.contains("error")).findFirst().orElse(err.lines().findFirst().orElse(""));
                    String command = err.lines().filter(l -> l.startsWith("Command was:")).findFirst()
                            .map(l -> l.substring("Command was:".length()).strip()).orElse("");
                    if (!command.isEmpty()) {
                        first += " (in: " + (command.length() > 100 ? command.substring(0, 97) + "..." : command) + ")";
                    }
                    return new RestoreOutcome("pg_restore failed (exit " + p.exitValue() + "): " + first, 0, 0, 0, 0,
                            System.currentTimeMillis() - started);
                }
                return new RestoreOutcome(null, 0, 0, 0, 0, System.currentTimeMillis() - started);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            return new RestoreOutcome("Cannot run pg_restore: " + e.getMessage(), 0, 0, 0, 0, System.currentTimeMillis() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RestoreOutcome("Interrupted while pg_restore ran", 0, 0, 0, 0, System.currentTimeMillis() - started);
        }
    }
}
