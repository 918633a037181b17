package io.backupverifier.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert outbox of several nodes on one PostgreSQL store (CLUSTER_ENABLED): the same steps as
 * {@link AlertOutbox} (keep, due, claim, delivered, release; the routes call either by the name
 * {@code alertOutbox}), on the table {@code bv_alert_outbox} instead of a directory per node.
 * A node claims a mail with {@code SELECT ... FOR UPDATE SKIP LOCKED} and a lease: two nodes
 * never claim one mail, and a mail whose node died before or during its delivery is sent by
 * another (at once when it was not claimed; once the lease ran out when it was).
 */
public final class SharedAlertOutbox {

    /** A mail claimed for delivery by this node: its row and the mail. */
    public record Claim(String id, AlertMail mail) {}

    private static final Logger LOG = LoggerFactory.getLogger(SharedAlertOutbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration resendAfter;
    private final Duration lease;
    private final String node;

    /**
     * @param resendAfter how long a mail whose delivery failed waits before any node tries again
     * @param lease       how long a claim holds: longer than one delivery with all its retries may take
     * @param node        this node's name, recorded with what it keeps and claims
     */
    public SharedAlertOutbox(DataSource dataSource, Clock clock, Duration resendAfter, Duration lease, String node) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.resendAfter = resendAfter;
        this.lease = lease;
        this.node = node;
    }

    /** Where the waiting mails are, for messages. */
    public String where() {
        return "the results store (bv_alert_outbox, shared by the nodes)";
    }

    /** Keeps a mail for other recipients than ALERT_EMAIL (the daily report for ADMIN_EMAIL). */
    public String keep(AlertMail mail, String to) {
        return keep(mail.withRecipients(to));
    }

    /** Writes a mail durably (committed); returns its id. Throws {@link AlertNotKeptException} when it cannot. */
    public String keep(AlertMail mail) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        try (Connection c = dataSource.getConnection();
                PreparedStatement i =
                        c.prepareStatement("INSERT INTO bv_alert_outbox (id, kept_at, kept_by, subject, mail,"
                                + " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            i.setString(1, id);
            i.setLong(2, now);
            i.setString(3, node);
            String subject = mail.subject() == null ? "" : mail.subject();
            i.setString(4, subject.length() > 1000 ? subject.substring(0, 1000) : subject);
            i.setString(5, JSON.writeValueAsString(mail));
            i.setLong(6, now);
            i.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException | IOException | RuntimeException e) {
            throw new AlertNotKeptException(
                    "Cannot keep the alert '" + mail.subject() + "' in " + where() + ": " + e.getMessage(), e);
        }
        LOG.info("Alert kept for delivery: {} ({})", mail.subject(), id);
        return id;
    }

    /** Every mail waiting for delivery (claimed or not), oldest first. */
    public List<String> pending() {
        return ids("SELECT id FROM bv_alert_outbox ORDER BY kept_at, id", null);
    }

    /** The waiting mails no live node has claimed and whose resend time has come, oldest first. */
    public List<String> due() {
        return ids(
                "SELECT id FROM bv_alert_outbox WHERE next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"
                        + " ORDER BY kept_at, id",
                clock.millis());
    }

    private List<String> ids(String sql, Long now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement(sql)) {
            if (now != null) {
                q.setLong(1, now);
                q.setLong(2, now);
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            // the store is down: nothing can be claimed now; the next poll tries again
            LOG.warn("Cannot read the alert outbox in the results store: {}", e.getMessage());
            return List.of();
        }
    }

    /**
     * Claims a waiting mail for this node; null when another node has it (or took it first, or
     * sent it meanwhile). The row is locked only for the claim ({@code SKIP LOCKED}: a node never
     * waits for another); the lease keeps it this node's while it delivers.
     */
    public Claim claim(String id) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                String mail = null;
                String previous = null;
                try (PreparedStatement q =
                        c.prepareStatement("SELECT mail, claimed_by FROM bv_alert_outbox WHERE id = ?"
                                + " AND (claimed_until IS NULL OR claimed_until < ?) FOR UPDATE SKIP LOCKED")) {
                    q.setString(1, id);
                    q.setLong(2, now);
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            mail = rs.getString(1);
                            previous = rs.getString(2);
                        }
                    }
                }
                if (mail == null) {
                    c.commit();
                    return null;
                }
                try (PreparedStatement u = c.prepareStatement(
                        "UPDATE bv_alert_outbox SET claimed_by = ?, claimed_until = ? WHERE id = ?")) {
                    u.setString(1, node);
                    u.setLong(2, now + lease.toMillis());
                    u.setString(3, id);
                    u.executeUpdate();
                }
                c.commit();
                if (previous != null && !previous.equals(node)) {
                    LOG.info("Taking over the alert {} from node {}, whose claim ran out", id, previous);
                }
                return new Claim(id, JSON.readValue(mail, AlertMail.class));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (IOException e) {
            LOG.error("Kept alert {} cannot be read, left in the outbox: {}", id, e.getMessage());
            return null;
        } catch (SQLException e) {
            LOG.warn("Cannot claim the kept alert {} in the results store: {}", id, e.getMessage());
            return null;
        }
    }

    /** The claimed mail was delivered: it leaves the outbox. */
    public void delivered(Claim claim) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement d = c.prepareStatement("DELETE FROM bv_alert_outbox WHERE id = ?")) {
            d.setString(1, claim.id());
            d.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** Delivery failed: the mail waits again, for any node, for the resend interval. */
    public void release(Claim claim) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement u =
                        c.prepareStatement("UPDATE bv_alert_outbox SET claimed_by = NULL, claimed_until = NULL,"
                                + " next_attempt_at = ?, attempts = attempts + 1 WHERE id = ? AND claimed_by = ?")) {
            u.setLong(1, clock.millis() + resendAfter.toMillis());
            u.setString(2, claim.id());
            u.setString(3, node);
            u.executeUpdate(); // none when released already, or when the lease ran out and another node has it now
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
