package io.backupverifier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library from a file the launcher keeps next to its start-up cache. Left to
 * itself, sqlite-jdbc copies the library out of the jar into the temporary directory on every
 * start and then compares the copy with the jar's, byte by byte: about 0.1 CPU-s of a one-shot
 * command. The launcher names the file (property {@code backup-verifier.sqlite-library}); the
 * run that records the start-up cache writes it, later runs load it as it is. Without the
 * property, or when anything here fails, sqlite-jdbc does what it always does.
 */
final class SqliteLibrary {

    static final String PROPERTY = "backup-verifier.sqlite-library";

    private SqliteLibrary() {}

    /** Points sqlite-jdbc at {@code file}, writing it from the jar first when it is not there yet. */
    static void use(String file) {
        if (file == null || file.isEmpty() || System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        Path lib = Path.of(file).toAbsolutePath();
        // a file cut short (a disk that filled, a copy over it in place) or another build's would crash the JVM in
        // the dynamic loader or fail every store access: only the jar's own bytes are loaded, else written again
        if (!(Files.isRegularFile(lib) && sameAsJar(lib)) && !extract(lib)) {
            return;
        }
        // sqlite-jdbc loads it with System.load; a file it cannot load makes it fall back to its own copy
        System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
        System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
    }

    /**
     * Whether {@code lib} has the size and CRC-32 of the jar's library: from the jar's directory,
     * nothing inflated (from the resource itself when the classes are not in a jar).
     */
    private static boolean sameAsJar(Path lib) {
        try {
            long size;
            long crc;
            Path jar = Path.of(SqliteLibrary.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (Files.isRegularFile(jar)) {
                try (JarFile j = new JarFile(jar.toFile())) {
                    ZipEntry e = j.getEntry(resource().substring(1));
                    if (e == null) {
                        return false;
                    }
                    size = e.getSize();
                    crc = e.getCrc();
                }
            } else {
                try (InputStream in = SqliteLibrary.class.getResourceAsStream(resource())) {
                    if (in == null) {
                        return false;
                    }
                    byte[] bytes = in.readAllBytes();
                    size = bytes.length;
                    crc = crc(bytes);
                }
            }
            return size == Files.size(lib) && crc == crc(Files.readAllBytes(lib));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(ByteBuffer.wrap(bytes));
        return crc.getValue();
    }

    private static String resource() {
        return LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    }

    /** Copies the jar's library for this OS and architecture to {@code lib}, whole or not at all. */
    private static boolean extract(Path lib) {
        try (InputStream in = SqliteLibrary.class.getResourceAsStream(resource())) {
            if (in == null) {
                return false; // no library for this platform in the jar: sqlite-jdbc looks elsewhere
            }
            Path tmp = Files.createTempFile(lib.getParent(), lib.getFileName().toString(), ".tmp");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().setReadable(true, false); // like the start-up cache beside it, not only its writer's
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
