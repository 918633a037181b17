package io.backupverifier.testing;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.checks.BackupInspector;
import io.backupverifier.checks.Check;
import io.backupverifier.checks.ChecksumCheck;
import io.backupverifier.checks.DumpCompleteCheck;
import io.backupverifier.checks.ExtractableCheck;
import io.backupverifier.checks.FormatCheck;
import io.backupverifier.checks.GzipIntegrityCheck;
import io.backupverifier.checks.MetadataCheck;
import io.backupverifier.checks.SizeCheck;
import io.backupverifier.checks.Verification;
import io.backupverifier.scan.BackupScanner;
import io.backupverifier.sidecar.MetadataReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The committed real pg_dump fixtures (made by scripts/make-fixtures.sh) and the broken
 * variants tests make from them in a temporary directory.
 */
public final class Fixtures {

    private Fixtures() {}

    public static byte[] bytes(String fixture) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a fixture to dir/name and writes its sidecar. */
    public static Path backup(Path dir, String fixture, String name) {
        Path p = write(dir.resolve(name), bytes(fixture));
        sidecar(p, "2025-12-27T12:00:00Z", null);
        return p;
    }

    public static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a valid sidecar describing the file as it is now. */
    public static Path sidecar(Path backup, String createdAt, String category) {
        try {
            String json = "{\n  \"file\": \"" + backup.getFileName() + "\",\n  \"created_at\": \"" + createdAt + "\",\n"
                    + "  \"sha256\": \"" + sha256(backup) + "\",\n  \"size_bytes\": " + Files.size(backup) + ",\n"
                    + "  \"database\": \"shop\"" + (category == null ? "" : ",\n  \"category\": \"" + category + "\"")
                    + "\n}\n";
            return write(MetadataReader.sidecarOf(backup), json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path sidecarText(Path backup, String json) {
        return write(MetadataReader.sidecarOf(backup), json.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] gunzip(byte[] gz) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void flipByte(Path file, long offset) {
        try (var ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.flip();
            byte v = b.get(0);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (v ^ 0x5a)}), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void truncate(Path file, long length) {
        try (var ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void append(Path file, byte[] more) {
        try {
            Files.write(file, more, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file checks in the order of the verify route, with the default limits. */
    public static List<Check> fileChecks() {
        return List.of(
                new SizeCheck(100, 100L * 1000 * 1000 * 1000),
                new MetadataCheck(),
                new ChecksumCheck(),
                new GzipIntegrityCheck(),
                new ExtractableCheck(),
                new FormatCheck(),
                new DumpCompleteCheck());
    }

    /** Runs the one pass and every file check on a backup, as the verify route does. */
    public static Verification verify(Path backup) {
        return verify(backup, backup.toAbsolutePath().getParent());
    }

    /** As {@link #verify(Path)}, with categories taken from directories below {@code backupDir}. */
    public static Verification verify(Path backup, Path backupDir) {
        BackupCatalog catalog = new BackupCatalog(backupDir, List.of("*"), List.of());
        Verification v = new BackupInspector(new BackupScanner(), new MetadataReader(), catalog).inspect(backup);
        fileChecks().forEach(c -> c.apply(v));
        return v;
    }
}
