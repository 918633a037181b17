package io.backupverifier.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogMaintenanceTest {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    private Path file(String name, int daysOld, int bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(NOW.minus(Duration.ofDays(daysOld))));
        return p;
    }

    private LogMaintenance maintenance(long maxBytes) {
        return new LogMaintenance(
                List.of(dir), Duration.ofDays(30), Duration.ofDays(90), maxBytes, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void archivesOldLogsDeletesOldArchivesAndLeavesOtherFilesAlone() throws Exception {
        Path recent = file("verification_20260530_020000.log", 2, 100);
        Path old = file("verification_20260401_020000.log", 61, 1000);
        Path ancient = file("restore_test_20260101_040000.log.gz", 151, 100);
        Path report = file("verification_report_20260301_020000.html", 92, 100);
        Path foreign = file("backup_20250101_000000.gz", 500, 100);
        List<String> done = maintenance(1L << 30).run();
        assertThat(recent).exists();
        assertThat(old).doesNotExist();
        Path archive = dir.resolve("verification_20260401_020000.log.gz");
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            assertThat(in.readAllBytes()).hasSize(1000);
        }
        assertThat(Files.getLastModifiedTime(archive).toInstant()).isEqualTo(NOW.minus(Duration.ofDays(61)));
        assertThat(ancient).doesNotExist();
        assertThat(dir.resolve("verification_report_20260301_020000.html.gz")).exists();
        assertThat(report).doesNotExist();
        assertThat(foreign).exists(); // not ours: never touched
        assertThat(done).anyMatch(l -> l.startsWith("Archived ")).anyMatch(l -> l.startsWith("Deleted "));
    }

    /**
     * The alert sender removes its outbox files while maintenance walks the log directory (seen
     * as "Cannot archive or delete old logs: .../outbox/alert_....json"): a file that goes away
     * while it is looked at is not an error, and the old logs are still maintained.
     */
    @Test
    void filesRemovedByAnotherWriterDuringTheWalkAreNotAnError() throws Exception {
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    Path f = Files.write(outbox.resolve("alert_" + (i % 64) + ".json"), new byte[10]);
                    Files.deleteIfExists(f);
                }
            } catch (Exception e) {
                writerFailed.set(e);
            }
        });
        sender.start();
        try {
            for (int run = 0; run < 300; run++) {
                Path old = file("verification_20260401_0200" + String.format("%02d", run % 60) + ".log", 61, 100);
                maintenance(1L << 30).run();
                assertThat(old).as("run %d archived the old log", run).doesNotExist();
            }
        } finally {
            stop.set(true);
            sender.join();
        }
        assertThat(writerFailed.get()).isNull();
    }

    @Test
    void keepsTheDirectoryUnderItsMaximumSizeOldestFirst() throws Exception {
        Path a = file("verification_20260520_020000.log", 12, 600);
        Path b = file("verification_20260525_020000.log", 7, 600);
        Path c = file("verification_20260530_020000.log", 2, 600);
        maintenance(1300).run();
        assertThat(a).doesNotExist();
        assertThat(b).exists();
        assertThat(c).exists();
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void neverFollowsASymlinkNamedLikeALogOrAnArchive(@TempDir Path backups) throws Exception {
        Path backup = backups.resolve("backup_20251227_120000.gz");
        Files.write(backup, new byte[5135]);
        Files.setLastModifiedTime(backup, FileTime.from(NOW.minus(Duration.ofDays(400))));
        String sha = sha256(backup);
        FileTime mtime = Files.getLastModifiedTime(backup);
        // an old log whose archive name is a planted link to the backup (archiving used to write through it)
        Path old = file("verification_20260401_020000.log", 61, 1000);
        Path archiveLink = Files.createSymbolicLink(dir.resolve("verification_20260401_020000.log.gz"), backup);
        // links named like an old log and an old archive: never read, archived, deleted or followed
        Path logLink = Files.createSymbolicLink(dir.resolve("verification_20260101_020000.log"), backup);
        Path oldArchiveLink = Files.createSymbolicLink(dir.resolve("restore_test_20250101_040000.log.gz"), backup);

        List<String> done = maintenance(100).run(); // also over its maximum size: deletes oldest first

        assertThat(sha256(backup)).isEqualTo(sha);
        assertThat(Files.getLastModifiedTime(backup)).isEqualTo(mtime);
        assertThat(Files.size(backup)).isEqualTo(5135);
        assertThat(old).doesNotExist();
        assertThat(Files.isSymbolicLink(archiveLink))
                .as("the planted link was replaced, not written through")
                .isFalse();
        assertThat(Files.isSymbolicLink(logLink)).isTrue();
        assertThat(Files.isSymbolicLink(oldArchiveLink)).isTrue();
        assertThat(done).noneMatch(l -> l.contains("20260101") || l.contains("20250101"));
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
