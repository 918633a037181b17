package io.backupverifier.cli;

import io.backupverifier.config.ConfigException;
import io.backupverifier.config.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command runs in: its output streams, environment, working directory and the
 * installation's home (where {@code config/} and {@code routes/} are). Passed in so that
 * tests run commands in-process exactly as the launcher does.
 */
public record CliContext(
        PrintStream out,
        PrintStream err,
        Map<String, String> env,
        Path workDir,
        Path home,
        Clock clock,
        boolean terminal) {

    public static CliContext system() {
        String home =
                System.getProperty("backup-verifier.home", System.getenv().getOrDefault("BACKUP_VERIFIER_HOME", ""));
        Path workDir = Path.of("").toAbsolutePath();
        return new CliContext(
                System.out,
                System.err,
                System.getenv(),
                workDir,
                home.isEmpty() ? workDir : Path.of(home).toAbsolutePath(),
                Clock.systemDefaultZone(),
                System.console() != null);
    }

    public Path defaultConfigFile() {
        return home.resolve("config").resolve("application.properties");
    }

    public Settings settings(Path configFile, Map<String, String> overrides) throws ConfigException {
        return Settings.load(configFile == null ? defaultConfigFile() : configFile, workDir, env, overrides);
    }
}
