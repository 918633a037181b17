package io.backupverifier.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.backupverifier.checks.Verification;
import io.backupverifier.store.DataSources;
import io.backupverifier.store.ResultsStore;
import io.backupverifier.testing.Fixtures;
import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One alert per event with several nodes on one PostgreSQL store (CLUSTER_ENABLED): two nodes
 * (each with its own connection pool, as two processes have) that decide on the same failures at
 * the same moment keep one mail per failure between them, a kept mail is claimed by one node
 * only, and a mail whose node died before or while sending it is sent by the other.
 * Needs the local PostgreSQL server (127.0.0.1:5432, user postgres, trust); skipped without it.
 */
class SharedAlertsTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Duration RESEND = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private String database;
    private final List<DataSource> pools = new ArrayList<>();
    /** The nodes' shared clock, moved by the test (the lease and the resend interval are long). */
    private final AtomicLong now =
            new AtomicLong(Instant.parse("2026-01-10T12:00:00Z").toEpochMilli());

    @BeforeEach
    void createDatabase() throws Exception {
        database = "bv_cluster_alerts_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?connectTimeout=3", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            database = null;
            assumeTrue(false, "no PostgreSQL server at 127.0.0.1:5432 (" + e.getMessage() + ")");
        }
        new ResultsStore(pool(), Clock.systemUTC()).init(); // the migrations, V3's shared alert tables among them
    }

    @AfterEach
    void dropDatabase() throws Exception {
        for (DataSource p : pools) {
            ((Closeable) p).close();
        }
        if (database != null) {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private DataSource pool() {
        DataSource p = DataSources.of(SERVER + database, "postgres", "");
        pools.add(p);
        return p;
    }

    private Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
    }

    /** A node as the service wires it with CLUSTER_ENABLED: its own pool, the shared tables. */
    private record Node(Alerts alerts, SharedAlertOutbox outbox) {}

    private Node node(String name) {
        DataSource p = pool();
        SharedAlertOutbox outbox = new SharedAlertOutbox(p, clock(), RESEND, LEASE, name);
        return new Node(
                new Alerts(new AlertState(p, clock(), true), new AlertMailRenderer(name, List.of(dir)), outbox::keep),
                outbox);
    }

    /** The subjects of the mails waiting in the shared outbox, with how often each is there. */
    private Map<String, Integer> kept() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT subject FROM bv_alert_outbox")) {
            while (rs.next()) {
                out.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        return out;
    }

    @Test
    void twoNodesDecidingOnTheSameFailuresAtOnceKeepOneAlertEach() throws Exception {
        Node a = node("a");
        Node b = node("b");
        List<Verification> failures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Path bad = Fixtures.backup(dir, "shop.sql.gz", String.format("backup_202601%02d_120000.gz", i + 1));
            Fixtures.truncate(bad, 2000);
            failures.add(Fixtures.verify(bad));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // each failure seen by both nodes at the same moment (as a daily run and a watcher, or two commands)
            for (Verification v : failures) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<List<AlertMail>>> decided = new ArrayList<>();
                for (Node n : List.of(a, b)) {
                    decided.add(pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return n.alerts().decide(v);
                    }));
                }
                int mails = 0;
                for (Future<List<AlertMail>> f : decided) {
                    mails += f.get(30, TimeUnit.SECONDS).size();
                }
                assertThat(mails)
                        .as("alerts kept for " + v.file().getFileName() + " by both nodes together")
                        .isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> kept = kept();
        assertThat(kept).hasSize(failures.size());
        assertThat(kept.values()).allMatch(n -> n == 1);
        // and again later: still failing, nothing new to say, on either node
        assertThat(a.alerts().decide(failures)).isEmpty();
        assertThat(b.alerts().decide(failures)).isEmpty();
        assertThat(kept().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(failures.size());
    }

    @Test
    void aKeptMailIsClaimedByOneNodeAndSentOnce() throws Exception {
        Node a = node("a");
        Node b = node("b");
        for (int i = 0; i < 30; i++) {
            a.outbox().keep(new AlertMail("alert " + i, "text", "<p>html</p>"));
        }
        assertThat(b.outbox().due())
                .as("due on the other node too: the outbox is shared")
                .hasSize(30);
        // both nodes drain at once, as their outbox timers do
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<?>> drains = new ArrayList<>();
            for (Node n : List.of(a, b)) {
                drains.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    for (String id : n.outbox().due()) {
                        SharedAlertOutbox.Claim claim = n.outbox().claim(id);
                        if (claim != null) {
                            sent.add(claim.mail().subject());
                            n.outbox().delivered(claim);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : drains) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sent).hasSize(30).doesNotHaveDuplicates();
        assertThat(a.outbox().pending()).isEmpty();
    }

    @Test
    void aMailOfADeadNodeIsSentByTheOther() throws Exception {
        Node a = node("a");
        Node b = node("b");
        // kept by a, which dies before it sends it: b sends it at its next poll
        a.outbox().keep(new AlertMail("kept, never claimed", "text", "<p>html</p>"));
        String first = b.outbox().due().get(0);
        SharedAlertOutbox.Claim claimed = b.outbox().claim(first);
        assertThat(claimed.mail().subject()).isEqualTo("kept, never claimed");
        b.outbox().delivered(claimed);

        // claimed by a, which dies while sending it: held for the lease, then b takes it over
        String id = a.outbox().keep(new AlertMail("claimed, then the node died", "text", "<p>html</p>"));
        assertThat(a.outbox().claim(id)).isNotNull();
        assertThat(b.outbox().due()).as("held by a's claim").isEmpty();
        assertThat(b.outbox().claim(id)).isNull();
        now.addAndGet(LEASE.toMillis() - 1_000);
        assertThat(b.outbox().claim(id)).as("a's claim still holds").isNull();
        now.addAndGet(2_000);
        assertThat(b.outbox().due()).containsExactly(id);
        SharedAlertOutbox.Claim takenOver = b.outbox().claim(id);
        assertThat(takenOver.mail().subject()).isEqualTo("claimed, then the node died");
        // a failed delivery waits the resend interval, for every node
        b.outbox().release(takenOver);
        assertThat(a.outbox().due()).isEmpty();
        now.addAndGet(RESEND.toMillis());
        assertThat(a.outbox().due()).containsExactly(id);
        SharedAlertOutbox.Claim again = a.outbox().claim(id);
        a.outbox().delivered(again);
        assertThat(b.outbox().pending()).isEmpty();
    }
}
