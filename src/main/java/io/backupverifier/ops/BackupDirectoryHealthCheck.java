package io.backupverifier.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Health: the backup directory exists and can be read. */
public final class BackupDirectoryHealthCheck extends AbstractHealthCheck {

    private final Path dir;

    public BackupDirectoryHealthCheck(Path dir) {
        super("backup-verifier", "backup-directory");
        this.dir = dir;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (Files.isDirectory(dir) && Files.isReadable(dir) && Files.isExecutable(dir)) {
            builder.up();
        } else {
            builder.message("Backup directory " + dir.toAbsolutePath() + " is missing or not readable")
                    .down();
        }
    }
}
