package io.backupverifier.restore;

import io.backupverifier.maintenance.Maintained;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Maintenance of restore tests: drops test databases named {@code *_test_YYYYMMDD_HHMMSS}
 * older than TEST_DB_RETENTION_DAYS on the external server (never any other database), and
 * removes embedded-server directories and spool files left behind by a crash.
 */
public final class TestDatabaseCleanup {

    private static final Pattern TEST_DB = Pattern.compile("^(.+)_test_(\\d{8}_\\d{6})$");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final Duration LEFTOVER_AGE = Duration.ofHours(24);

    private final ExternalTarget external;
    private final Path workDir;
    private final int retentionDays;
    private final Clock clock;

    /** @param external the external test server, or null when restore tests use the embedded one */
    public TestDatabaseCleanup(ExternalTarget external, Path workDir, int retentionDays, Clock clock) {
        this.external = external;
        this.workDir = workDir;
        this.retentionDays = retentionDays;
        this.clock = clock;
    }

    /** Runs the cleanup; returns one line per thing removed (or that could not be). */
    public List<Maintained> run() {
        List<Maintained> done = new ArrayList<>(removeOrphans());
        if (external != null) {
            dropOldDatabases(done);
        }
        removeLeftovers(done);
        return done;
    }

    /**
     * What restore tests of a dead process left, removed at once (call it when the application
     * starts; {@link #run} does too): embedded servers still running in the work directory are
     * stopped and their directories removed; test databases and roles on the external server
     * made by a process of this host that is gone are dropped, unless kept by --verify-only
     * (those wait for TEST_DB_RETENTION_DAYS). The owner is the PID and start time written when
     * they were made. Returns one line per thing removed (or that could not be).
     */
    public List<Maintained> removeOrphans() {
        List<Maintained> done = new ArrayList<>();
        stopOrphanedServers(done);
        if (external != null) {
            dropOrphanedDatabases(done);
        }
        return done;
    }

    private void stopOrphanedServers(List<Maintained> done) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path home : entries.filter(p -> p.getFileName().toString().startsWith(WorkFiles.EMBEDDED_HOME))
                    .toList()) {
                Path ownerFile = home.resolve(EmbeddedServer.OWNER_FILE);
                if (!Files.isRegularFile(ownerFile, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // not one with an owner: the age rule below applies
                }
                Optional<OwnerMarker> owner = OwnerMarker.parse(Files.readString(ownerFile));
                if (owner.isEmpty() || owner.get().mayBeAlive()) {
                    continue;
                }
                Path data = home.resolve(EmbeddedServer.DATA);
                Path pointer = home.resolve(EmbeddedServer.DATA_POINTER);
                if (Files.isRegularFile(pointer, LinkOption.NOFOLLOW_LINKS)) {
                    Path named = Path.of(Files.readString(pointer).strip());
                    // only a directory of ours, where the server would put it
                    if (named.getFileName().toString().startsWith(EmbeddedServer.DATA_PREFIX)) {
                        data = named;
                    }
                }
                Optional<ProcessHandle> postmaster = OrphanServers.postmaster(data);
                if (postmaster.isPresent()) {
                    OrphanServers.kill(data);
                    done.add(Maintained.done("Stopped the embedded PostgreSQL (pid "
                            + postmaster.get().pid() + ") left running by process "
                            + owner.get().pid() + ", which is gone"));
                }
                if (!data.startsWith(home)) {
                    OrphanServers.deleteTree(data);
                }
                OrphanServers.deleteTree(home);
                done.add(Maintained.done("Removed leftover " + home));
            }
        } catch (IOException e) {
            done.add(Maintained.failed("Cannot clean up " + workDir + ": " + e.getMessage()));
        }
    }

    private void dropOrphanedDatabases(List<Maintained> done) {
        try (Connection admin = external.admin();
                Statement s = admin.createStatement()) {
            List<String> orphans = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT d.datname, pg_catalog.shobj_description(r.oid, 'pg_authid')"
                    + " FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) d.datdba"
                    + " WHERE NOT d.datistemplate ORDER BY 1")) {
                while (rs.next()) {
                    String db = rs.getString(1);
                    String comment = rs.getString(2);
                    if (TEST_DB.matcher(db).matches()
                            && comment != null
                            && !comment.startsWith(TestDatabases.KEPT)
                            && OwnerMarker.parse(comment)
                                    .map(o -> !o.mayBeAlive())
                                    .orElse(false)) {
                        orphans.add(db);
                    }
                }
            }
            for (String db : orphans) {
                s.execute("DROP DATABASE IF EXISTS " + TestDatabases.ident(db) + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + TestDatabases.ident(TestDatabases.roleFor(db)));
                done.add(Maintained.done("Dropped test database " + db + " (its restore test's process is gone)"));
            }
        } catch (SQLException e) {
            done.add(Maintained.failed(
                    "Cannot clean up test databases on " + external.describe() + ": " + e.getMessage()));
        }
    }

    private void dropOldDatabases(List<Maintained> done) {
        LocalDateTime cutoff = LocalDateTime.now(clock).minusDays(retentionDays);
        try (Connection admin = external.admin();
                Statement s = admin.createStatement()) {
            List<String> old = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("SELECT datname FROM pg_catalog.pg_database WHERE NOT datistemplate ORDER BY 1")) {
                while (rs.next()) {
                    Matcher m = TEST_DB.matcher(rs.getString(1));
                    if (m.matches() && LocalDateTime.parse(m.group(2), STAMP).isBefore(cutoff)) {
                        old.add(rs.getString(1));
                    }
                }
            }
            for (String db : old) {
                s.execute("DROP DATABASE IF EXISTS " + TestDatabases.ident(db) + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + TestDatabases.ident(TestDatabases.roleFor(db)));
                done.add(Maintained.done("Dropped test database " + db + " (older than " + retentionDays + " days)"));
            }
        } catch (SQLException e) {
            done.add(Maintained.failed(
                    "Cannot clean up test databases on " + external.describe() + ": " + e.getMessage()));
        }
    }

    private void removeLeftovers(List<Maintained> done) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        Instant cutoff = clock.instant().minus(LEFTOVER_AGE);
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (WorkFiles.isOurs(name)
                        && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)
                        && !serverRunsIn(p)
                        && !ownerAlive(p)) {
                    deleteTree(p);
                    done.add(Maintained.done("Removed leftover " + p));
                }
            }
        } catch (IOException e) {
            done.add(Maintained.failed("Cannot clean up " + workDir + ": " + e.getMessage()));
        }
    }

    /** A server directory whose owner process may still be running (a test kept for a user, say). */
    private static boolean ownerAlive(Path dir) {
        try {
            Path owner = dir.resolve(EmbeddedServer.OWNER_FILE);
            return Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS)
                    && OwnerMarker.parse(Files.readString(owner))
                            .map(OwnerMarker::mayBeAlive)
                            .orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** An embedded server still running there has a postmaster.pid naming a live process. */
    private static boolean serverRunsIn(Path dir) {
        Path pid = dir.resolve("postmaster.pid");
        try {
            if (Files.isRegularFile(pid)) {
                long n = Long.parseLong(Files.readAllLines(pid).get(0).strip());
                return ProcessHandle.of(n).map(ProcessHandle::isAlive).orElse(false);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
