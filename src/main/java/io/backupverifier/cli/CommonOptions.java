package io.backupverifier.cli;

import io.backupverifier.config.ConfigException;
import io.backupverifier.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags every command shares (DESIGN.md section 7). */
final class CommonOptions {

    @Option(names = "--dir", paramLabel = "DIR", description = "Backup directory (overrides BACKUP_DIR).")
    Path dir;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Configuration file (default: config/application.properties of the installation).")
    Path config;

    /** The configuration, after printing its notices (unknown keys, converted values) on stderr. */
    Settings settings(CliContext ctx) throws ConfigException {
        Settings settings = load(ctx);
        settings.notices().forEach(n -> ctx.err().println(n.line()));
        return settings;
    }

    /** The configuration, notices not printed (the commands that show them themselves). */
    Settings load(CliContext ctx) throws ConfigException {
        if (config != null && !Files.isRegularFile(config)) {
            throw new ConfigException("--config: " + config + " is not a readable file");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (dir != null) {
            overrides.put("backup.dir", dir.toString());
        }
        return ctx.settings(config, overrides);
    }
}
