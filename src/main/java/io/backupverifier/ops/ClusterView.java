package io.backupverifier.ops;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The cluster as the shared PostgreSQL store knows it (CLUSTER_ENABLED), for /observe/health and
 * the status page: the nodes and their last heartbeat (Quartz's check-in, QRTZ_SCHEDULER_STATE),
 * the timer jobs running and on which node (QRTZ_FIRED_TRIGGERS), and which node holds which
 * backup's watcher lock (CAMEL_MESSAGEPROCESSED's lock rows, named by bv_watch_lock_holder).
 */
public final class ClusterView {

    /** A node; alive while its heartbeat is within Quartz's own limit (the check-in interval and 7.5 s). */
    public record Node(String name, Instant lastHeartbeat, boolean alive, boolean self) {}

    /** A timer job running now, and its node. */
    public record Job(String node, String job, Instant since) {}

    /** A backup's watcher lock: its node, the file, and when the node last refreshed the lock. */
    public record BackupLock(String node, String file, Instant refreshed) {}

    public record Snapshot(Instant at, List<Node> nodes, List<Job> jobs, List<BackupLock> locks) {

        public Node self() {
            return nodes.stream().filter(Node::self).findFirst().orElse(null);
        }
    }

    /** Quartz's grace on top of the check-in interval before it takes a node as dead. */
    private static final long GRACE_MS = 7_500;

    private final DataSource dataSource;
    private final String self;
    private final LongSupplier clock;

    public ClusterView(DataSource dataSource, String self, LongSupplier clock) {
        this.dataSource = dataSource;
        this.self = self;
        this.clock = clock;
    }

    public ClusterView(DataSource dataSource, String self) {
        this(dataSource, self, System::currentTimeMillis);
    }

    public Snapshot read() throws SQLException {
        long now = clock.getAsLong();
        List<Node> nodes = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        List<BackupLock> locks = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("SELECT instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state"
                            + " ORDER BY instance_name")) {
                while (rs.next()) {
                    long last = rs.getLong(2);
                    nodes.add(new Node(
                            rs.getString(1),
                            Instant.ofEpochMilli(last),
                            now - last <= rs.getLong(3) + GRACE_MS,
                            rs.getString(1).equals(self)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT instance_name, job_name, fired_time FROM qrtz_fired_triggers"
                    + " WHERE state = 'EXECUTING' ORDER BY fired_time")) {
                while (rs.next()) {
                    jobs.add(new Job(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT h.node, h.file_path, m.createdAt FROM camel_messageprocessed m"
                    + " JOIN bv_watch_lock_holder h ON h.lock_key = m.messageId"
                    + " WHERE m.processorName = 'watch-backups-lock' ORDER BY h.file_path")) {
                while (rs.next()) {
                    locks.add(new BackupLock(
                            rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return new Snapshot(Instant.ofEpochMilli(now), nodes, jobs, locks);
    }

    /** One line: the nodes with their heartbeat's age, the jobs running and the backups being verified. */
    public static String summary(Snapshot s) {
        StringBuilder b = new StringBuilder();
        b.append(s.nodes().size()).append(s.nodes().size() == 1 ? " node: " : " nodes: ");
        for (int i = 0; i < s.nodes().size(); i++) {
            Node n = s.nodes().get(i);
            b.append(i > 0 ? ", " : "")
                    .append(n.name())
                    .append(" (")
                    .append(n.self() ? "this node, " : "")
                    .append(n.alive() ? "" : "not answering, ")
                    .append("heartbeat ")
                    .append(age(s.at(), n.lastHeartbeat()))
                    .append(" ago)");
        }
        b.append("; jobs running: ")
                .append(
                        s.jobs().isEmpty()
                                ? "none"
                                : String.join(
                                        ", ",
                                        s.jobs().stream()
                                                .map(j -> j.job() + " on " + j.node())
                                                .toList()));
        b.append("; backups locked: ").append(s.locks().size());
        return b.toString();
    }

    /** The details /observe/health shows with the cluster check. */
    public static Map<String, Object> details(Snapshot s) {
        return Map.of(
                "nodes",
                        s.nodes().stream()
                                .map(n -> n.name() + " heartbeat " + n.lastHeartbeat()
                                        + (n.alive() ? "" : " (not answering)"))
                                .toList(),
                "jobs",
                        s.jobs().stream()
                                .map(j -> j.job() + " on " + j.node() + " since " + j.since())
                                .toList(),
                "backupLocks",
                        s.locks().stream()
                                .map(l -> l.file() + " held by " + l.node() + " (refreshed " + l.refreshed() + ")")
                                .toList());
    }

    /**
     * The status page with a "Cluster" section after its summary cards: nodes and heartbeats, the
     * jobs running, who holds which backup lock. When the store cannot say, the section says so.
     */
    public String addTo(String page) {
        StringBuilder h = new StringBuilder("<h2>Cluster</h2>\n");
        try {
            Snapshot s = read();
            h.append("<table><tr><th>node</th><th>last heartbeat</th><th>state</th></tr>\n");
            for (Node n : s.nodes()) {
                h.append("<tr><td>")
                        .append(esc(n.name()))
                        .append(n.self() ? " <span class=\"muted\">(this node)</span>" : "")
                        .append("</td><td>")
                        .append(age(s.at(), n.lastHeartbeat()))
                        .append(" ago</td><td class=\"")
                        .append(n.alive() ? "PASSED\">alive" : "FAILED\">not answering")
                        .append("</td></tr>\n");
            }
            h.append("</table>\n<table><tr><th>job running</th><th>node</th><th>since</th></tr>\n");
            for (Job j : s.jobs()) {
                h.append("<tr><td>")
                        .append(esc(j.job()))
                        .append("</td><td>")
                        .append(esc(j.node()))
                        .append("</td><td>")
                        .append(age(s.at(), j.since()))
                        .append(" ago</td></tr>\n");
            }
            if (s.jobs().isEmpty()) {
                h.append("<tr><td colspan=\"3\" class=\"muted\">none</td></tr>\n");
            }
            h.append(
                    "</table>\n<table><tr><th>backup being verified</th><th>lock held by</th><th>lock refreshed</th></tr>\n");
            for (BackupLock l : s.locks()) {
                h.append("<tr><td>")
                        .append(esc(l.file()))
                        .append("</td><td>")
                        .append(esc(l.node()))
                        .append("</td><td>")
                        .append(age(s.at(), l.refreshed()))
                        .append(" ago</td></tr>\n");
            }
            if (s.locks().isEmpty()) {
                h.append("<tr><td colspan=\"3\" class=\"muted\">none</td></tr>\n");
            }
            h.append("</table>\n");
        } catch (SQLException | RuntimeException e) {
            h.append("<div class=\"bad\">The results store cannot say: ")
                    .append(esc(String.valueOf(e.getMessage())))
                    .append("</div>\n");
        }
        int at = page.indexOf("<h2>");
        return at < 0 ? page + h : page.substring(0, at) + h + page.substring(at);
    }

    private static String age(Instant now, Instant then) {
        Duration d = Duration.between(then, now);
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
