package io.backupverifier.testing;

import io.backupverifier.cli.BackupVerifierCli;
import io.backupverifier.cli.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in-process, as bin/backup-verifier would, capturing stdout and stderr. */
public final class Cli {

    public record Result(int exit, String out, String err) {}

    private final Map<String, String> env = new HashMap<>();
    private final Path workDir;
    private Clock clock = Clock.systemDefaultZone();

    public Cli(Path workDir) {
        this.workDir = workDir;
    }

    public Cli env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** The time the commands see (freshness, verification times, report names): fixed, so verdicts do not age with the calendar. */
    public Cli clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                workDir,
                Path.of("").toAbsolutePath(),
                clock,
                false);
        int exit = BackupVerifierCli.execute(ctx, args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
