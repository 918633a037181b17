package io.backupverifier.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert mails that could not be delivered (or have nowhere to go: no SMTP configured), kept
 * as JSON files in the outbox directory until a timer delivers them. An alert is never lost.
 */
public final class AlertOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Path outboxDir;
    private final Clock clock;

    public AlertOutbox(Path outboxDir, Clock clock) {
        this.outboxDir = outboxDir;
        this.clock = clock;
    }

    /** Keeps a mail; {@code resending} (the outbox file it came from) means it is kept already. */
    public AlertMail keep(AlertMail mail, Object resending) {
        if (resending != null && !resending.toString().isEmpty()) {
            return mail;
        }
        try {
            Files.createDirectories(outboxDir);
            String name = "alert_" + LocalDateTime.now(clock).format(STAMP) + "_" + SEQ.incrementAndGet() + ".json";
            Path tmp = outboxDir.resolve("." + name + ".tmp");
            JSON.writeValue(tmp.toFile(), mail);
            Files.move(tmp, outboxDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("{} (kept in {} for delivery)", mail.subject(), outboxDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the alert '" + mail.subject() + "' in " + outboxDir + ": " + e.getMessage(), e);
        }
        return mail;
    }

    public AlertMail keep(AlertMail mail) {
        return keep(mail, null);
    }

    /** The kept mails, oldest first. */
    public List<Path> pending() {
        if (!Files.isDirectory(outboxDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outboxDir)) {
            return files.filter(p -> p.getFileName().toString().matches("alert_.*\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the alert outbox " + outboxDir + ": " + e.getMessage(), e);
        }
    }

    public AlertMail load(Path file) {
        try {
            return JSON.readValue(file.toFile(), AlertMail.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read kept alert " + file + ": " + e.getMessage(), e);
        }
    }

    /** A kept mail was delivered: it leaves the outbox. */
    public void delivered(Object file) throws IOException {
        Files.deleteIfExists(Path.of(file.toString()));
    }
}
