package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupverifier.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A clustered node cannot start without its results store (its timers and backup locks are kept
 * there): a store that answers only after the pool's first wait is waited for, one that never
 * answers stops start-up naming it. (Before, a node whose store was slow to answer skipped its
 * migrations and then failed on missing Quartz tables.)
 */
class ClusteredStartTest {

    @BeforeEach
    void shortWait() {
        DataSources.waitForTests(1_000); // what is proved is waiting beyond the pool's wait, not its length
    }

    @AfterEach
    void usualWait() {
        DataSources.waitForTests(DataSources.WAIT_MS);
    }

    @Test
    void aStoreThatAnswersLateIsWaitedFor() throws Exception {
        String db = "bv_clustered_start_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = TestPostgres.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // the store's port opens only after the pool's first wait (1 s here) has failed
        Thread opener = new Thread(() -> forwardAfter(Duration.ofMillis(2_500), port, TestPostgres.port()));
        opener.setDaemon(true);
        opener.start();
        DataSource pool = DataSources.of("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", "");
        try {
            new ResultsStore(pool, Clock.systemUTC()).initWithin(Duration.ofSeconds(60));
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM bv_verification")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero(); // the schema is there
            }
        } finally {
            ((AutoCloseable) pool).close();
            try (Connection c = TestPostgres.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    @Test
    void aStoreThatNeverAnswersStopsStartUpNamingIt() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there
        }
        DataSource pool = DataSources.of("jdbc:postgresql://127.0.0.1:" + port + "/results", "postgres", "");
        try {
            assertThatThrownBy(() -> new ResultsStore(pool, Clock.systemUTC()).initWithin(Duration.ZERO))
                    .isInstanceOf(ResultsStoreException.class)
                    .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused")
                    .hasMessageContaining("a clustered node cannot start without it");
        } finally {
            ((AutoCloseable) pool).close();
        }
    }

    /** After {@code delay}, forwards connections on {@code from} to the test server's {@code to}. */
    private static void forwardAfter(Duration delay, int from, int to) {
        try {
            Thread.sleep(delay.toMillis()); // the store being away is the situation under test, not a wait for it
            try (ServerSocket server = new ServerSocket(from, 50, InetAddress.getLoopbackAddress())) {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), to);
                    pump(client.getInputStream(), upstream.getOutputStream(), upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), client);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test ended
        }
    }

    private static void pump(InputStream in, OutputStream out, Socket closeAtEnd) {
        Thread t = new Thread(() -> {
            try (closeAtEnd) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
