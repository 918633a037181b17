package io.backupverifier.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.BackupResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an alert for a failed backup as a JSON file in the outbox directory, so it is never
 * lost; the mail sender delivers from here once SMTP is configured.
 */
public final class AlertOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path outboxDir;
    private final Clock clock;

    public AlertOutbox(Path outboxDir, Clock clock) {
        this.outboxDir = outboxDir;
        this.clock = clock;
    }

    /** Writes the alert and returns the verification unchanged (the route's body stays the result). */
    public <T extends BackupResult> T keep(T v) {
        ObjectNode alert = JSON.createObjectNode();
        alert.put("subject", subject(v));
        alert.put("file", v.file().toString());
        alert.put("category", v.category());
        alert.put("status", v.status().name());
        ObjectNode checks = alert.putObject("checks");
        for (Map.Entry<String, CheckResult> e : v.checks().entrySet()) {
            checks.putObject(e.getKey()).put("status", e.getValue().status().name()).put("message", e.getValue().message());
        }
        try {
            Files.createDirectories(outboxDir);
            String name = "alert_" + LocalDateTime.now(clock).format(STAMP) + "_" + v.file().getFileName() + ".json";
            Path file = outboxDir.resolve(name);
            Path tmp = outboxDir.resolve("." + name + ".tmp");
            JSON.writeValue(tmp.toFile(), alert);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("{} (alert kept in {})", subject(v), file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the alert for " + v.file().getFileName() + " in " + outboxDir
                    + ": " + e.getMessage(), e);
        }
        return v;
    }

    public static String subject(BackupResult v) {
        return "[backup-verifier] " + v.status() + " " + v.file().getFileName() + ": " + String.join(", ", v.failedChecks());
    }
}
