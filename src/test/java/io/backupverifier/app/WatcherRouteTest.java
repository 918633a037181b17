package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-drop watcher on a real directory, with the real routes and results store. */
class WatcherRouteTest {

    /**
     * The shared service's stable time, half the Service's: the pauses of the tests of a writer's pace are measured in
     * it, so they wait half as long for the same story (the lock waits three stable times, as with the Service's).
     */
    private static final long STABLE_MS = 500;

    /**
     * The backup directory of the tests that share one service (their files and names their own): starting and
     * stopping a service is most of such a test's time. The restart and own-directories tests start their own.
     */
    @TempDir
    static Path sharedRoot;

    private static Service shared;

    @TempDir
    Path root;

    /** The shared service, started by the first test that asks for it. */
    private static synchronized Service shared() throws Exception {
        if (shared == null) {
            shared = new Service(sharedRoot)
                    .env("WATCH_STABLE_FOR", STABLE_MS + "ms")
                    .env("WATCH_LOCK_TIMEOUT", 3 * STABLE_MS + "ms")
                    .start();
        }
        return shared;
    }

    @AfterAll
    static void stopShared() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void droppedBackupIsVerifiedOnceAndTheDirectoryIsLeftUntouched() throws Exception {
        Service service = shared();
        Path backup = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Path broken = Fixtures.backup(service.backups.resolve("weekly"), "shop.sql.gz", "backup_20251221_030000.gz");
        Fixtures.flipByte(broken, 600);
        aged(backup, broken);
        Map<String, String> before = snapshot(service.backups);

        await(
                "both backups verified",
                Duration.ofSeconds(20),
                () -> service.verifications(backup) == 1 && service.verifications(broken) == 1);
        service.awaitWatcherPolls(2); // two whole polls after both verdicts: nothing is verified twice
        assertThat(service.verifications(backup)).isEqualTo(1);
        assertThat(service.verifications(broken)).isEqualTo(1);

        assertThat(snapshot(service.backups)).isEqualTo(before);
        // no SMTP configured: the one alert of these backups (for the broken one only) waits in the outbox
        List<String> kept = alertsAbout(service, backup, broken);
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0)).contains("[backup-verifier] FAILED backup_20251221_030000.gz: checksum");
    }

    @Test
    void fileStillBeingWrittenIsVerifiedOnlyAfterItStopsGrowing() throws Exception {
        Service service = shared();
        byte[] content = Fixtures.bytes("shop.sql.gz");
        Path backup = service.backups.resolve("backup_20251225_120000.gz");
        try (OutputStream out = Files.newOutputStream(backup, StandardOpenOption.CREATE_NEW)) {
            int step = content.length / 8;
            for (int off = 0; off < content.length; off += step) {
                out.write(content, off, Math.min(step, content.length - off));
                out.flush();
                // a write every 0.4 stable time, growing for over 3 stable times, polled every 200 ms
                Thread.sleep(STABLE_MS * 2 / 5);
                assertThat(service.verifications(backup))
                        .as("verified while still growing")
                        .isZero();
            }
        }
        Fixtures.sidecar(backup, "2025-12-25T12:00:00Z", null);
        await("backup verified", Duration.ofSeconds(20), () -> service.verifications(backup) == 1);
        // verified whole: had it been taken half-written, gzip and checksum would have failed
        assertThat(lastStatus(service, backup)).isEqualTo("PASSED");
    }

    @Test
    void writerPausingLongerThanTheStableTimeGetsOneVerdictForTheFinishedFileAndNoAlert() throws Exception {
        Service service = shared();
        byte[] content = Fixtures.bytes("shop.sql.gz");
        Path backup = service.backups.resolve("backup_20251224_120000.gz");
        try (OutputStream out = Files.newOutputStream(backup, StandardOpenOption.CREATE_NEW)) {
            out.write(content, 0, content.length / 2);
            out.flush();
            // the writer stalls 1.7 stable times: the half file is stable long enough to be taken and verified
            Thread.sleep(STABLE_MS * 17 / 10);
            out.write(content, content.length / 2, content.length - content.length / 2);
        }
        Fixtures.sidecar(backup, "2025-12-24T12:00:00Z", null);
        await("backup verified", Duration.ofSeconds(20), () -> service.verifications(backup) >= 1);
        // a backup dropped now is verified after more polls and settle times than a second verdict would need
        Path next = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251228_120000.gz");
        await("the next backup verified", Duration.ofSeconds(20), () -> service.verifications(next) == 1);
        assertThat(service.verifications(backup)).isEqualTo(1);
        assertThat(lastStatus(service, backup)).isEqualTo("PASSED");
        assertThat(alertsAbout(service, backup, next)).as("alerts").isEmpty();
    }

    @Test
    void restartDoesNotVerifyAgainUnlessTheBackupChanged() throws Exception {
        Path backup;
        try (Service service = new Service(root).start()) {
            backup = aged(Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz"));
            await("first verification", Duration.ofSeconds(20), () -> service.verifications(backup) == 1);
        }
        try (Service service = new Service(root).start()) {
            service.awaitWatcherPolls(2); // each poll lists the unchanged backup: it is known, not verified again
            assertThat(service.verifications(backup))
                    .as("verified again after restart")
                    .isEqualTo(1);

            // replaced by a new file of the same name: verified again (its time another than the first file's, and
            // in the past, so that the watcher need not wait for it to settle)
            Fixtures.write(backup, Fixtures.bytes("shop.sqlite.gz"));
            aged(backup);
            await(
                    "verification of the replaced backup",
                    Duration.ofSeconds(20),
                    () -> service.verifications(backup) == 2);
            assertThat(lastStatus(service, backup)).isEqualTo("FAILED"); // the old sidecar no longer matches
        }
    }

    @Test
    void sidecarsHiddenTempFilesAndOwnDirectoriesAreNotBackups() throws Exception {
        try (Service service = new Service(root)
                .env(
                        "VERIFICATION_LOG_DIR",
                        root.resolve("backups/verification_logs").toString())
                .start()) {
            Path backup = Fixtures.backup(service.backups, "shop.sql.gz", "backup_20251227_120000.gz");
            Path hidden = Fixtures.backup(service.backups, "shop.sql.gz", ".backup_hidden.gz");
            Path temp = Fixtures.write(service.backups.resolve("backup_next.gz.part"), Fixtures.bytes("shop.sql.gz"));
            Path own = Fixtures.write(
                    service.backups.resolve("verification_logs/old.log.gz"), Fixtures.bytes("shop.sql.gz"));
            Path notABackup = Fixtures.write(
                    service.backups.resolve("junk.gz"), "not gzip at all, but named like a backup".getBytes());
            aged(backup, hidden, temp, own, notABackup);
            await(
                    "backups verified",
                    Duration.ofSeconds(20),
                    () -> service.verifications(backup) == 1 && service.verifications(notABackup) == 1);
            service.awaitWatcherPolls(
                    2); // the other files were as stable as the backups: a watcher taking them has by now
            assertThat(service.verifications(hidden)).isZero();
            assertThat(service.verifications(temp)).isZero();
            assertThat(service.verifications(own)).isZero();
            assertThat(lastStatus(service, notABackup)).isEqualTo("FAILED");
        }
    }

    /**
     * Dates files a minute back, as a backup finished a while ago: the watcher takes them at its next poll instead
     * of waiting for them to be stable and settled (three stable times), which the tests of files still being
     * written here prove. Returns the first.
     */
    private static Path aged(Path... files) throws IOException {
        FileTime minuteAgo = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path f : files) {
            Files.setLastModifiedTime(f, minuteAgo);
        }
        return files[0];
    }

    /** The alert mails waiting in the outbox (no SMTP configured) that name any of these backups. */
    private static List<String> alertsAbout(Service service, Path... backups) throws IOException {
        Path outbox = service.own.resolve("logs/outbox");
        List<String> about = new ArrayList<>();
        if (Files.isDirectory(outbox)) {
            try (Stream<Path> kept = Files.list(outbox)) {
                for (Path mail : kept.toList()) {
                    String text = Files.readString(mail);
                    if (Stream.of(backups)
                            .anyMatch(b -> text.contains(b.getFileName().toString()))) {
                        about.add(text);
                    }
                }
            }
        }
        return about;
    }

    private static String lastStatus(Service service, Path backup) throws Exception {
        try (var c = service.camel()
                        .getRegistry()
                        .lookupByNameAndType("resultsDataSource", DataSource.class)
                        .getConnection();
                var q = c.prepareStatement(
                        "SELECT status FROM bv_verification WHERE file_path = ? ORDER BY verified_at DESC")) {
            q.setString(1, backup.toAbsolutePath().normalize().toString());
            try (var rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Every path under dir with its size, modification time and SHA-256. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String v = Files.isDirectory(p)
                        ? "dir"
                        : Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis() + " " + Fixtures.sha256(p);
                m.put(dir.relativize(p).toString(), v);
            }
        }
        return m;
    }
}
