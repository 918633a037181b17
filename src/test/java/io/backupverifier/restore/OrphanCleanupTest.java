package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.maintenance.Maintained;
import io.backupverifier.testing.LocalServerLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during a restore test: the embedded server keeps running and the external
 * test database stays. The next start (removeOrphans, which cleanup runs too) stops and drops
 * them at once, because their owner process is gone; what a live process owns is left alone.
 */
class OrphanCleanupTest {

    /** Cleanup of the local server drops what any gone process left: one such class at a time. */
    @RegisterExtension
    static final LocalServerLock ORPHANS = new LocalServerLock("orphan cleanup");

    @TempDir
    Path dir;

    private static boolean localServer() {
        try (Connection c = new ExternalTarget("127.0.0.1", 5432, "postgres", "").admin()) {
            return c.isValid(3);
        } catch (Exception e) {
            return false;
        }
    }

    /** Starts an OrphanMaker, waits for READY, kills it with SIGKILL; returns its READY line's words. */
    private String[] killedMaker(Path work, String... external) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OrphanMaker.class.getName(),
                work.toString()));
        cmd.addAll(List.of(external));
        Process maker = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(maker.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                // zonky and slf4j chatter
            }
            assertThat(line).as("the maker started its server").isNotNull();
            maker.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(maker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return line.split(" ");
        }
    }

    @Test
    void embeddedServerOfAKilledProcessIsStoppedAndRemovedAtOnce() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        String[] ready = killedMaker(work);
        Path home = Path.of(ready[1]);
        Optional<ProcessHandle> postmaster = postmasterOf(home);
        assertThat(postmaster).as("the killed process left its server running").isPresent();
        Path template = templateIn(work).orElseThrow(() -> new AssertionError("the killed process's initdb template"));

        // a server of this (live) process in the same directory, and its template, are not touched
        try (EmbeddedTarget mine = new EmbeddedTarget(work)) {
            Path ourTemplate = templateIn(work).filter(t -> !t.equals(template)).orElseThrow();
            List<String> done = new TestDatabaseCleanup(null, work, 7, Clock.systemDefaultZone())
                    .removeOrphans().stream().map(Maintained::message).toList();
            assertThat(done).contains("Removed leftover " + home, "Removed leftover " + template);
            String stopped =
                    "Stopped the embedded PostgreSQL (pid " + postmaster.get().pid() + ")";
            assertThat(done.stream().filter(l -> l.startsWith(stopped)).toList())
                    .as("its server stopped, then its directory removed")
                    .hasSize(1)
                    .allSatisfy(l -> assertThat(done.indexOf(l)).isLessThan(done.indexOf("Removed leftover " + home)));
            assertThat(postmaster.get().onExit().get(30, TimeUnit.SECONDS).isAlive())
                    .isFalse();
            assertThat(home).doesNotExist();
            assertThat(template).doesNotExist();
            assertThat(postmasterOf(mine.home())).as("a live process's server").isPresent();
            try (Stream<Path> left = Files.list(work)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList())
                        .containsExactlyInAnyOrder(
                                mine.home().getFileName().toString(),
                                ourTemplate.getFileName().toString());
            }
        }
        EmbeddedTarget.closeAll(); // the application stops its servers,
        EmbeddedServer.removeTemplates(); // and the JVM exits: its template goes too
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("left in the work directory").isEmpty();
        }
    }

    @Test
    void externalTestDatabaseOfAKilledProcessIsDroppedAtOnce() throws Exception {
        Assumptions.assumeTrue(localServer(), "no PostgreSQL server at 127.0.0.1:5432: skipping");
        ExternalTarget server = new ExternalTarget("127.0.0.1", 5432, "postgres", "");
        String name = "bvorphan_test_20991231_000000";
        try (Connection c = server.admin();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("DROP ROLE IF EXISTS " + TestDatabases.roleFor(name));
        }
        Path work = Files.createDirectories(dir.resolve("work"));
        killedMaker(work, "5432", name);
        assertThat(count(server, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"))
                .isEqualTo(1);

        List<String> done = new TestDatabaseCleanup(server, work, 7, Clock.systemDefaultZone())
                .removeOrphans().stream().map(Maintained::message).toList();
        assertThat(done).contains("Dropped test database " + name + " (its restore test's process is gone)");
        assertThat(count(server, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"))
                .isZero();
        assertThat(count(server, "SELECT count(*) FROM pg_roles WHERE rolname = '" + TestDatabases.roleFor(name) + "'"))
                .isZero();
    }

    private static int count(ExternalTarget server, String sql) throws Exception {
        try (Connection c = server.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The initdb template in the work directory (the newest, when there are two). */
    private static Optional<Path> templateIn(Path work) throws Exception {
        try (Stream<Path> all = Files.list(work)) {
            return all.filter(p -> p.getFileName().toString().startsWith(WorkFiles.EMBEDDED_TEMPLATE))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()));
        }
    }

    private static Optional<ProcessHandle> postmasterOf(Path home) throws Exception {
        Path pointer = home.resolve(EmbeddedServer.DATA_POINTER);
        Path data =
                Files.exists(pointer) ? Path.of(Files.readString(pointer).strip()) : home.resolve(EmbeddedServer.DATA);
        return OrphanServers.postmaster(data);
    }
}
