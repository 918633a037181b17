package io.backupverifier.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every alert mail is written here, durably (temp file, fsync, atomic rename), before the
 * verdict that caused it is committed; mail goes out from here only. A sender claims a file
 * by renaming it to {@code alert_*.json.PID.sending} (one rename wins, so a service and a
 * command draining at the same time never send it twice), deletes it once delivered and
 * renames it back when delivery failed. A claim whose process is gone is taken over.
 */
public final class AlertOutbox {

    /** A mail claimed for delivery by this process: its claim file and the mail. */
    public record Claim(Path file, AlertMail mail) {}

    private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** alert_*.json, or its claim alert_*.json.PID-START.sending (START: when that process started, in ms). */
    private static final Pattern KEPT = Pattern.compile("(alert_[^/]*\\.json)(?:\\.((\\d+)(?:-(\\d+))?)\\.sending)?");
    /** A claim older than this is taken over even if its PID is alive again (a reused PID). */
    private static final Duration CLAIM_LIFETIME = Duration.ofHours(1);

    private final Path outboxDir;
    private final Clock clock;
    private final Duration resendAfter;
    /**
     * This process, as claims name it: the PID and the start time, so that a restarted service
     * that got the same PID (as in a container) does not mistake its dead predecessor's claims for its own.
     */
    private final String owner = owner(ProcessHandle.current());

    private final long pid = ProcessHandle.current().pid();
    /** When this process may try again a mail whose delivery failed (the service's resend interval). */
    private final Map<String, Instant> retryAt = new ConcurrentHashMap<>();

    public AlertOutbox(Path outboxDir, Clock clock, Duration resendAfter) {
        this.outboxDir = outboxDir;
        this.clock = clock;
        this.resendAfter = resendAfter;
    }

    public AlertOutbox(Path outboxDir, Clock clock) {
        this(outboxDir, clock, Duration.ZERO);
    }

    public Path dir() {
        return outboxDir;
    }

    private static String owner(ProcessHandle p) {
        return p.pid() + "-"
                + p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** Keeps a mail for other recipients than ALERT_EMAIL (the daily report for ADMIN_EMAIL). */
    public Path keep(AlertMail mail, String to) {
        return keep(mail.withRecipients(to));
    }

    /** Writes a mail durably; returns its file. Throws {@link AlertNotKeptException} when it cannot. */
    public Path keep(AlertMail mail) {
        String name = String.format(
                "alert_%s_%d_%06d.json", LocalDateTime.now(clock).format(STAMP), pid, SEQ.incrementAndGet());
        Path target = outboxDir.resolve(name);
        Path tmp = outboxDir.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(outboxDir);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(mail));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the message below says what matters
            }
            throw new AlertNotKeptException(
                    "Cannot keep the alert '" + mail.subject() + "' in the outbox " + outboxDir + ": " + e.getMessage(),
                    e);
        }
        LOG.info("Alert kept for delivery: {} ({})", mail.subject(), target.getFileName());
        return target;
    }

    /** The rename into the directory survives a power cut only once the directory itself is synced. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(outboxDir, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot sync a directory; the file itself is synced
        }
    }

    /** The mails waiting for delivery (and claims of dead senders), oldest first. */
    public List<Path> pending() {
        if (!Files.isDirectory(outboxDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outboxDir)) {
            return files.filter(p -> KEPT.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(AlertOutbox::baseName))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the alert outbox " + outboxDir + ": " + e.getMessage(), e);
        }
    }

    /** The waiting mails this process has not tried yet, or tried longer than the resend interval ago. */
    public List<Path> due() {
        Instant now = clock.instant();
        return pending().stream()
                .filter(p -> !retryAt.getOrDefault(baseName(p), Instant.MIN).isAfter(now))
                .toList();
    }

    private static String baseName(Path file) {
        Matcher m = KEPT.matcher(file.getFileName().toString());
        return m.matches() ? m.group(1) : file.getFileName().toString();
    }

    /**
     * Claims a waiting mail for delivery by this process; null when another sender has it (or
     * took it first), or when it cannot be read (then it is set aside as {@code .unreadable}).
     */
    public Claim claim(Path file) {
        Matcher m = KEPT.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        if (m.group(2) != null && !abandoned(file, m.group(2), Long.parseLong(m.group(3)))) {
            return null; // a live sender is on it (possibly another thread of this process)
        }
        Path claimed = outboxDir.resolve(m.group(1) + "." + owner + ".sending");
        try {
            Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
            // the claim's age counts from now, not from when the alert was kept
            Files.setLastModifiedTime(claimed, FileTime.from(Instant.now()));
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            return null; // another sender renamed it first
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot claim the kept alert " + file + ": " + e.getMessage(), e);
        }
        if (m.group(2) != null) {
            LOG.info("Taking over the alert {} from process {}, which is gone", m.group(1), m.group(2));
        }
        try {
            return new Claim(claimed, JSON.readValue(claimed.toFile(), AlertMail.class));
        } catch (IOException e) {
            Path aside = outboxDir.resolve(m.group(1) + ".unreadable");
            try {
                Files.move(claimed, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ignored) {
                // left as a claim of this process: taken over again after it ends
            }
            LOG.error("Kept alert {} cannot be read, set aside as {}: {}", m.group(1), aside, e.getMessage());
            return null;
        }
    }

    private boolean abandoned(Path claim, String claimant, long claimantPid) {
        if (!claimant.equals(owner)
                && !ProcessHandle.of(claimantPid)
                        .filter(ProcessHandle::isAlive)
                        .map(p -> claimant.indexOf('-') < 0 || owner(p).equals(claimant))
                        .orElse(false)) {
            return true; // that process is gone (or its PID now belongs to another one)
        }
        try {
            return Files.getLastModifiedTime(claim)
                    .toInstant()
                    .isBefore(Instant.now().minus(CLAIM_LIFETIME));
        } catch (IOException e) {
            return false; // gone: someone took it
        }
    }

    /** The claimed mail was delivered: it leaves the outbox. */
    public void delivered(Claim claim) throws IOException {
        Files.deleteIfExists(claim.file());
        retryAt.remove(baseName(claim.file()));
    }

    /** Delivery failed: the mail waits again for the next attempt. */
    public void release(Claim claim) throws IOException {
        retryAt.put(baseName(claim.file()), clock.instant().plus(resendAfter));
        try {
            Files.move(claim.file(), outboxDir.resolve(baseName(claim.file())), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // taken over meanwhile (a claim older than an hour): the other sender has it now
        }
    }
}
