package io.backupverifier.alert;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.ResultKind;
import io.backupverifier.store.ResultsStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Remembers, in the results store, which backups are failing, so that an alert goes out once
 * when a backup newly fails (not at every run while it stays failed) and a recovery mail when
 * the condition clears: the backup passes again, or a newer backup of its category passes.
 */
public final class AlertState {

    /** What changed in one run. */
    public record Change(List<BackupResult> newFailures, List<Recovery> recoveries) {
        public boolean isEmpty() {
            return newFailures.isEmpty() && recoveries.isEmpty();
        }
    }

    /** A failure that cleared, and what cleared it. */
    public record Recovery(String subject, String category, String clearedBy) {}

    private static final String FAILED = "FAILED";
    private static final String RESOLVED = "RESOLVED";

    private final DataSource dataSource;
    private final Clock clock;
    /** Several nodes share the store (PostgreSQL): each decision holds the store's alert-state lock row. */
    private final boolean clustered;

    public AlertState(DataSource dataSource, Clock clock) {
        this(dataSource, clock, false);
    }

    /**
     * @param clustered several nodes decide on one PostgreSQL store: a decision locks the row
     *                  {@code alert-state} of {@code bv_cluster_lock} first, so the nodes decide one
     *                  after the other and each sees what the other recorded (one alert per event)
     */
    public AlertState(DataSource dataSource, Clock clock, boolean clustered) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.clustered = clustered;
    }

    static String key(BackupResult r) {
        return r.resultKind().keyPrefix() + r.location();
    }

    static String group(BackupResult r) {
        return key(r).substring(0, key(r).indexOf(':') + 1) + r.category();
    }

    public Change update(List<? extends BackupResult> results) {
        return update(results, change -> {});
    }

    /**
     * Records what changed and, before that is committed, hands the change to {@code keep}
     * (which writes its mails to the outbox). If {@code keep} fails nothing is recorded, so
     * the next run decides the same alert again: a crash may repeat an alert, never lose one.
     */
    public synchronized Change update(List<? extends BackupResult> results, Consumer<Change> keep) {
        List<BackupResult> failures = new ArrayList<>();
        List<Recovery> recoveries = new ArrayList<>();
        List<? extends BackupResult> ordered = results.stream()
                .sorted(Comparator.comparingLong(AlertState::time))
                .toList();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (clustered) {
                    lockDecisions(c);
                }
                decide(c, ordered, failures, recoveries);
                keep.accept(new Change(failures, recoveries));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new ResultsStoreException("Alert state unavailable (results store): " + e.getMessage(), e);
        }
        return new Change(failures, recoveries);
    }

    /**
     * Waits for the other nodes' decisions in progress (held until this transaction ends). Taken
     * before anything is read: each statement after it sees what they committed.
     */
    private static void lockDecisions(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT name FROM bv_cluster_lock WHERE name = ? FOR UPDATE")) {
            q.setString(1, "alert-state");
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the results store has no alert-state lock row (bv_cluster_lock)");
                }
            }
        }
    }

    private void decide(
            Connection c, List<? extends BackupResult> ordered, List<BackupResult> failures, List<Recovery> recoveries)
            throws SQLException {
        for (BackupResult r : ordered) {
            String key = key(r);
            String known = status(c, key);
            if (r.isFailed()) { // FAILED or ERROR: an unknown state alerts too
                if (known == null) {
                    failures.add(r);
                    insert(c, key, group(r), String.join(",", r.failedChecks()), time(r));
                }
                continue;
            }
            if (FAILED.equals(known)) {
                recoveries.add(new Recovery(
                        key.substring(key.indexOf(':') + 1),
                        r.category(),
                        r.resultKind() == ResultKind.HISTORY
                                ? "the " + r.category() + " backups are fresh again"
                                : r.file().getFileName() + " passed"));
            }
            delete(c, key);
            // a newer backup of the category passing clears the older failures of that category
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT subject FROM bv_alert_state WHERE category = ? AND status = ? AND since <= ?")) {
                q.setString(1, group(r));
                q.setString(2, FAILED);
                q.setLong(3, time(r));
                List<String> cleared = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        cleared.add(rs.getString(1));
                    }
                }
                for (String k : cleared) {
                    recoveries.add(new Recovery(
                            k.substring(k.indexOf(':') + 1),
                            r.category(),
                            "newer backup " + r.file().getFileName() + " passed"));
                    try (PreparedStatement u =
                            c.prepareStatement("UPDATE bv_alert_state SET status = ? WHERE subject = ?")) {
                        u.setString(1, RESOLVED);
                        u.setString(2, k);
                        u.executeUpdate();
                    }
                }
            }
        }
    }

    /** When the backup was made, as far as the file says (history results have no file: now). */
    private static long time(BackupResult r) {
        try {
            return Files.getLastModifiedTime(r.file()).toMillis();
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private static String status(Connection c, String key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT status FROM bv_alert_state WHERE subject = ?")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void insert(Connection c, String key, String group, String checks, long since) throws SQLException {
        try (PreparedStatement i = c.prepareStatement(
                "INSERT INTO bv_alert_state (subject, category, status, checks, since) VALUES (?, ?, ?, ?, ?)")) {
            i.setString(1, key);
            i.setString(2, group);
            i.setString(3, FAILED);
            i.setString(4, checks.length() > 1000 ? checks.substring(0, 1000) : checks);
            i.setLong(5, since == Long.MAX_VALUE / 2 ? clock.millis() : since);
            i.executeUpdate();
        }
    }

    private static void delete(Connection c, String key) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM bv_alert_state WHERE subject = ?")) {
            d.setString(1, key);
            d.executeUpdate();
        }
    }
}
