package io.backupverifier.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files an attacker who writes into the backup directory may plant: special files, links out,
 * gzip bombs, lying or hostile sidecars, forged names, this program's own files. Each is
 * reported on its own, no run blocks or aborts, and nothing outside is read.
 */
class HostileFilesTest {

    /** The zeros of {@link #gzipOfZeros} are compressed this many at a time. */
    private static final int BOMB_CHUNK = 8 << 20;

    @TempDir
    Path root;

    Path backups;
    Path logs;
    Cli cli;

    @BeforeEach
    void setUp() {
        backups = root.resolve("backups");
        logs = root.resolve("logs");
        cli = new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("VERIFICATION_LOG_DIR", logs.toString())
                .env("RESTORE_ON_SUSPECT", "false");
    }

    /** verify --all --json, which must end within a bound whatever is in the directory. */
    private Map<String, JsonNode> verifyAll(Cli c) throws Exception {
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> c.run("verify", "--all", "--json"));
        JsonNode json = new ObjectMapper().readTree(r.out());
        Map<String, JsonNode> byName = new HashMap<>();
        json.get("backups")
                .forEach(b ->
                        byName.put(Path.of(b.get("file").asText()).getFileName().toString(), b));
        return byName;
    }

    private static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
    }

    @Test
    void fifosDevicesAndLinksOutAreReportedNotReadAndNeverBlock() throws Exception {
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Path fifo = backups.resolve("backup_20251226_120000.gz");
        mkfifo(fifo);
        Files.createSymbolicLink(backups.resolve("backup_20251225_120000.gz"), Path.of("/dev/zero"));
        Files.createSymbolicLink(backups.resolve("backup_20251224_120000.gz"), Path.of("/dev/urandom"));
        Path outside = Fixtures.backup(root.resolve("elsewhere"), "shop.sql.gz", "secret.gz");
        Files.createSymbolicLink(backups.resolve("backup_20251223_120000.gz"), outside);
        // a link that stays inside the backup directory to a regular file is read as usual
        Path inside = Fixtures.backup(backups.resolve("store"), "shop.sql.gz", "shop_20251222.gz");
        Files.createSymbolicLink(backups.resolve("backup_20251222_120000.gz"), inside);
        // sidecars: a FIFO and a link to /dev/zero (used to hang, and to take gigabytes)
        Path withFifoSidecar =
                Fixtures.write(backups.resolve("backup_20251221_120000.gz"), Fixtures.bytes("shop.sql.gz"));
        mkfifo(backups.resolve("backup_20251221_120000.gz.meta.json"));
        Path withZeroSidecar =
                Fixtures.write(backups.resolve("backup_20251220_120000.gz"), Fixtures.bytes("shop.sql.gz"));
        Files.createSymbolicLink(backups.resolve("backup_20251220_120000.gz.meta.json"), Path.of("/dev/zero"));
        Files.createSymbolicLink(backups.resolve("backup_20251220_120000.gz.sha256"), Path.of("/dev/zero"));

        Map<String, JsonNode> r = verifyAll(cli);

        assertThat(r.get(good.getFileName().toString()).get("status").asText()).isEqualTo("PASSED");
        assertThat(r.get("backup_20251222_120000.gz")
                        .at("/checks/gzip_integrity/status")
                        .asText())
                .isEqualTo("PASSED");
        assertThat(r.get("backup_20251226_120000.gz")
                        .at("/checks/format/message")
                        .asText())
                .isEqualTo("backup_20251226_120000.gz is a FIFO (named pipe), not a regular file: not read");
        assertThat(r.get("backup_20251225_120000.gz").at("/checks/size/message").asText())
                .contains("leads to /dev/zero, outside " + backups.toAbsolutePath())
                .contains("not read");
        assertThat(r.get("backup_20251224_120000.gz")
                        .at("/checks/format/message")
                        .asText())
                .contains("leads to /dev/urandom");
        assertThat(r.get("backup_20251223_120000.gz")
                        .at("/checks/format/message")
                        .asText())
                .contains("leads to " + outside.toRealPath() + ", outside ");
        for (String refused : List.of(
                "backup_20251226_120000.gz",
                "backup_20251225_120000.gz",
                "backup_20251224_120000.gz",
                "backup_20251223_120000.gz")) {
            assertThat(r.get(refused).get("status").asText()).as(refused).isEqualTo("FAILED");
            assertThat(r.get(refused).at("/checks/format/status").asText())
                    .as(refused)
                    .isEqualTo("FAILED");
            assertThat(r.get(refused).at("/checks/size/status").asText())
                    .as(refused)
                    .isEqualTo("FAILED");
        }
        assertThat(r.get(withFifoSidecar.getFileName().toString())
                        .at("/checks/metadata/message")
                        .asText())
                .contains("is a FIFO (named pipe), not a regular file");
        assertThat(r.get(withFifoSidecar.getFileName().toString())
                        .at("/checks/gzip_integrity/status")
                        .asText())
                .isEqualTo("PASSED");
        assertThat(r.get(withZeroSidecar.getFileName().toString())
                        .at("/checks/metadata/message")
                        .asText())
                .contains("leads to /dev/zero");
        assertThat(r.get(withZeroSidecar.getFileName().toString())
                        .at("/checks/metadata/status")
                        .asText())
                .isEqualTo("FAILED");
        // the watcher's filter asks the same catalog: these are backups it hands over to be reported
        BackupCatalog catalog = new BackupCatalog(backups, List.of("*.gz"), List.of());
        assertThat(catalog.list())
                .contains(
                        fifo.toAbsolutePath().normalize(),
                        backups.resolve("backup_20251225_120000.gz").toAbsolutePath());
        assertThat(catalog.latest())
                .hasValueSatisfying(p -> assertThat(p.getFileName().toString())
                        .isNotIn(
                                "backup_20251226_120000.gz", "backup_20251225_120000.gz", "backup_20251224_120000.gz"));
    }

    @Test
    void aLinkedDirectoryIsNotSearched() throws Exception {
        Path elsewhere = Fixtures.backup(root.resolve("elsewhere"), "shop.sql.gz", "backup_20251227_120000.gz");
        Files.createDirectories(backups);
        Files.createSymbolicLink(backups.resolve("daily"), elsewhere.getParent());
        BackupCatalog catalog = new BackupCatalog(backups, List.of("*.gz"), List.of());
        assertThat(catalog.list()).isEmpty();
        assertThat(catalog.isSearchedDir(backups.resolve("daily"))).isFalse();
        assertThat(catalog.isBackup(backups.resolve("daily/backup_20251227_120000.gz")))
                .isFalse();
    }

    /**
     * One gzip member of {@code bytes} zeros (a multiple of {@link #BOMB_CHUNK}), as gzip writes it but without
     * deflating them all, which took seconds of CPU: after a full flush the compressor starts afresh, so each chunk of
     * zeros compresses to the same bytes (the same ratio as one long deflate, about 1028:1), and those are written
     * once per chunk, then the last block and the trailer (CRC-32 and size of all of them).
     */
    private static Path gzipOfZeros(Path file, long bytes) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] zeros = new byte[BOMB_CHUNK];
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true); // raw deflate: the gzip framing is ours
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        ByteArrayOutputStream last = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        try {
            deflater.setInput(zeros);
            int n;
            do { // a full flush fills the buffer while output is left
                n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
                chunk.write(buf, 0, n);
            } while (n == buf.length);
            deflater.finish();
            while (!deflater.finished()) {
                last.write(buf, 0, deflater.deflate(buf));
            }
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0}); // GZIPOutputStream's header
            for (long n = 0; n < bytes; n += BOMB_CHUNK) {
                chunk.writeTo(out);
                crc.update(zeros);
            }
            last.writeTo(out);
            ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).putInt((int) bytes);
            out.write(trailer.array());
        }
        return file;
    }

    @Test
    void aGzipBombIsStoppedAtTheConfiguredBoundNotReadToTheEnd() throws Exception {
        Path bomb =
                gzipOfZeros(backups.resolve("backup_20251227_120000.gz"), 512L << 20); // 512 MiB of zeros in ~0.5 MB
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251226_120000.gz");
        long started = System.nanoTime();
        Map<String, JsonNode> r = verifyAll(cli.env("MAX_EXPANDED_SIZE", "16MiB"));
        JsonNode b = r.get(bomb.getFileName().toString());
        assertThat(b.get("status").asText()).isEqualTo("FAILED");
        assertThat(b.at("/checks/gzip_integrity/status").asText()).isEqualTo("FAILED");
        assertThat(b.at("/checks/gzip_integrity/message").asText())
                .startsWith("Inflation stopped in member 1: content larger than MAX_EXPANDED_SIZE (16.0 MiB)");
        assertThat(b.at("/checks/extractable/status").asText()).isEqualTo("FAILED");
        assertThat(r.get(good.getFileName().toString()).get("status").asText()).isEqualTo("PASSED");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void aGzipBombIsStoppedByItsExpansionRatioWithTheDefaults() throws Exception {
        Path bomb = gzipOfZeros(backups.resolve("backup_20251227_120000.gz"), 256L << 20);
        Map<String, JsonNode> r = verifyAll(cli);
        assertThat(r.get(bomb.getFileName().toString())
                        .at("/checks/gzip_integrity/message")
                        .asText())
                .startsWith("Inflation stopped in member 1: ")
                .contains("more than MAX_EXPANSION_RATIO 1000:1");
    }

    @Test
    void lyingAndHostileSidecarsFailOnlyTheirOwnBackup() throws Exception {
        Path future = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        Fixtures.sidecarText(
                future, "{\"created_at\": \"9999-12-31T00:00:00Z\", \"sha256\": \"" + Fixtures.sha256(future) + "\"}");
        Path dup = Fixtures.backup(backups, "shop.sql.gz", "backup_20251226_120000.gz");
        Fixtures.sidecarText(
                dup,
                "{\"created_at\": \"2025-12-26T12:00:00Z\", \"sha256\": \"" + "0".repeat(64) + "\", \"sha256\": \""
                        + Fixtures.sha256(dup) + "\"}");
        Path deep = Fixtures.backup(backups, "shop.sql.gz", "backup_20251225_120000.gz");
        Fixtures.sidecarText(deep, "[".repeat(100_000));
        Path big = Fixtures.backup(backups, "shop.sql.gz", "backup_20251224_120000.gz");
        Fixtures.write(backups.resolve("backup_20251224_120000.gz.meta.json"), new byte[2 << 20]);
        Path good = Fixtures.backup(backups, "shop.sql.gz", "backup_20251223_120000.gz");

        Map<String, JsonNode> r = verifyAll(cli);

        assertThat(r).hasSize(5);
        assertThat(r.get(future.getFileName().toString())
                        .at("/checks/metadata/message")
                        .asText())
                .contains(
                        "'created_at' 9999-12-31T00:00:00Z is in the future (more than 5m ahead of this host's clock)");
        assertThat(r.get(dup.getFileName().toString())
                        .at("/checks/metadata/message")
                        .asText())
                .contains("Duplicate field 'sha256'");
        assertThat(r.get(deep.getFileName().toString())
                        .at("/checks/metadata/message")
                        .asText())
                .contains("is not valid JSON")
                .contains("nesting depth");
        assertThat(r.get(big.getFileName().toString())
                        .at("/checks/metadata/message")
                        .asText())
                .contains("is larger than 1024 KiB");
        for (Path p : List.of(future, dup, deep, big)) {
            assertThat(r.get(p.getFileName().toString())
                            .at("/checks/metadata/status")
                            .asText())
                    .isEqualTo("FAILED");
            assertThat(r.get(p.getFileName().toString())
                            .at("/checks/gzip_integrity/status")
                            .asText())
                    .isEqualTo("PASSED");
        }
        assertThat(r.get(good.getFileName().toString()).get("status").asText()).isEqualTo("PASSED");
        // a date it cannot have never makes a backup the latest: it is dated by its modification time, set a day back
        // here (the four copies' times can be equal to the tick, and a tie goes to the greatest name, future's)
        Files.setLastModifiedTime(future, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        assertThat(new BackupCatalog(backups, List.of("*.gz"), List.of()).latest())
                .isNotEqualTo(Optional.of(future));
    }

    @Test
    void theFutureToleranceIsConfigurable() throws Exception {
        Path soon = Fixtures.backup(backups, "shop.sql.gz", "backup_20251227_120000.gz");
        String in3Minutes = Instant.now().plusSeconds(180).toString();
        Fixtures.sidecarText(
                soon, "{\"created_at\": \"" + in3Minutes + "\", \"sha256\": \"" + Fixtures.sha256(soon) + "\"}");
        assertThat(verifyAll(cli)
                        .get(soon.getFileName().toString())
                        .at("/checks/metadata/status")
                        .asText())
                .isEqualTo("PASSED");
        assertThat(verifyAll(cli.env("METADATA_CLOCK_SKEW", "1m"))
                        .get(soon.getFileName().toString())
                        .at("/checks/metadata/status")
                        .asText())
                .isEqualTo("FAILED");
    }

    @Test
    void thisProgramsOwnFilesAreNeverBackupsWhereverTheySit() throws Exception {
        Path good = Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz");
        // an old default log directory left in the backup directory while VERIFICATION_LOG_DIR points elsewhere
        Fixtures.write(
                backups.resolve("verification_logs/state/results.db"),
                "SQLite format 3\0".getBytes(StandardCharsets.UTF_8));
        Fixtures.write(
                backups.resolve("verification_logs/old.log.gz"),
                Fixtures.gzip("[INFO] x\n".getBytes(StandardCharsets.UTF_8)));
        Fixtures.write(
                backups.resolve("verification_logs/verification_20250101_020000.log.gz"), Fixtures.gzip(new byte[10]));
        Fixtures.write(
                backups.resolve("daily/restore_test_logs/restore_test_20250101_040000.log.gz"),
                Fixtures.gzip(new byte[10]));
        Fixtures.write(backups.resolve("results.db"), "SQLite format 3\0".getBytes(StandardCharsets.UTF_8));
        Fixtures.write(
                backups.resolve("archive/verification_report_20250101_020000.json.gz"), Fixtures.gzip(new byte[10]));

        Map<String, JsonNode> r = verifyAll(cli);

        assertThat(r.keySet()).containsExactly(good.getFileName().toString());
        BackupCatalog catalog = new BackupCatalog(backups, List.of("*.gz", "*.db"), List.of(logs));
        assertThat(catalog.list()).containsExactly(good.toAbsolutePath().normalize());
        // the watcher's filter asks the same questions
        assertThat(catalog.isBackup(backups.resolve("verification_logs/state/results.db")))
                .isFalse();
        assertThat(catalog.isBackup(backups.resolve("verification_logs/old.log.gz")))
                .isFalse();
        assertThat(catalog.isSearchedDir(backups.resolve("daily/restore_test_logs")))
                .isFalse();
        assertThat(catalog.isBackup(backups.resolve("results.db"))).isFalse();
        assertThat(catalog.isBackup(good)).isTrue();
    }

    @Test
    void controlCharactersInNamesCannotForgeLinesOrDriveTheTerminal() throws Exception {
        Path forged = Fixtures.write(backups.resolve("x\n[SUCCESS] forged.gz"), Fixtures.bytes("shop.sql.gz"));
        Fixtures.truncate(forged, 3000);
        Fixtures.write(backups.resolve("\u001b[32mgreen\u001b[0m.gz"), Fixtures.bytes("shop.sql.gz"));

        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> cli.run("verify", "--all"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines())
                .noneMatch(l -> l.startsWith("[SUCCESS] forged"))
                .allMatch(l -> l.startsWith("["));
        assertThat(r.out())
                .contains("x\\n[SUCCESS] forged.gz")
                .contains("\\x1b[32mgreen\\x1b[0m.gz")
                .doesNotContain("\u001b");
        List<String> logLines;
        try (Stream<Path> s = Files.list(logs)) {
            Path log = s.filter(p -> p.getFileName().toString().startsWith("verification_"))
                    .findFirst()
                    .orElseThrow();
            logLines = Files.readAllLines(log, StandardCharsets.UTF_8);
        }
        assertThat(logLines)
                .isNotEmpty()
                .noneMatch(l -> l.startsWith("[SUCCESS] forged"))
                .allMatch(l -> l.matches("^\\[\\d{4}-.*"));
        assertThat(String.join("\n", logLines))
                .doesNotContain("\u001b")
                .contains("Backup verification FAILED: x\\n[SUCCESS] forged.gz");
    }
}
