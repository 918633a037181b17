package io.backupverifier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.sqlite.util.LibraryLoaderUtil;
import org.sqlite.util.OSInfo;

/**
 * SQLite's native library from a file the launcher keeps next to its start-up cache. Left to
 * itself, sqlite-jdbc copies the library out of the jar into the temporary directory on every
 * start and then compares the copy with the jar's, byte by byte: about 0.1 CPU-s of a one-shot
 * command. The launcher names the file (property {@code backup-verifier.sqlite-library}); the
 * run that records the start-up cache writes it, later runs load it as it is. Without the
 * property, or when anything here fails, sqlite-jdbc does what it always does.
 *
 * <p>Which of the jar's libraries is this platform's is sqlite-jdbc's to say, and asking it
 * starts a process ({@code uname -o}) and reads {@code /proc/self/map_files}: a file beside the
 * library ({@code .entry}) keeps its answer, the jar entry the library was written from.
 */
final class SqliteLibrary {

    static final String PROPERTY = "backup-verifier.sqlite-library";
    private static final String NATIVE = "org/sqlite/native/";

    private SqliteLibrary() {}

    /** Points sqlite-jdbc at {@code file}, writing it from the jar first when it is not there yet. */
    static void use(String file) {
        if (file == null || file.isEmpty() || System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        Path lib = Path.of(file).toAbsolutePath();
        // what is loaded runs as this process: from a directory of another user (who could put a library of the
        // same size and CRC-32 there) nothing is loaded, and sqlite-jdbc does what it always does
        if (!ours(lib.getParent()) || (Files.exists(lib, LinkOption.NOFOLLOW_LINKS) && !ours(lib))) {
            return;
        }
        // a file cut short (a disk that filled, a copy over it in place) or another build's would crash the JVM in
        // the dynamic loader or fail every store access: only the jar's own bytes are loaded, else written again
        Path entryFile = lib.resolveSibling(lib.getFileName() + ".entry");
        String kept = keptEntry(entryFile);
        if (!(kept != null && Files.isRegularFile(lib) && sameAsJar(lib, kept))) {
            String entry = resource().substring(1);
            if (!(Files.isRegularFile(lib) && sameAsJar(lib, entry)) && !extract(lib, entry)) {
                return;
            }
            keep(entryFile, entry);
        }
        // sqlite-jdbc loads it with System.load (a file it cannot load leaves the results store unavailable: hence
        // only the jar's bytes for this machine's architecture)
        System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
        System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
    }

    /** Whether {@code p} (not followed if a link) belongs to this process's user. */
    private static boolean ours(Path p) {
        try {
            return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                    .equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false; // not known: not used
        }
    }

    /**
     * Whether {@code lib} has the size and CRC-32 of the jar's library: from the jar's directory,
     * nothing inflated (from the resource itself when the classes are not in a jar).
     */
    private static boolean sameAsJar(Path lib, String entry) {
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
                    ZipEntry e = j.getEntry(entry);
                    if (e == null) {
                        return false;
                    }
                    size = e.getSize();
                    crc = e.getCrc();
                }
            } else {
                try (InputStream in = SqliteLibrary.class.getResourceAsStream("/" + entry)) {
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

    /**
     * The jar entry the library was written from, as kept beside it; null when there is none or it
     * does not name one of sqlite-jdbc's libraries (the library is then checked against the jar's as
     * sqlite-jdbc names it).
     */
    private static String keptEntry(Path entryFile) {
        try {
            String entry = Files.readString(entryFile).strip();
            // and one for this machine's architecture: an installation shared by amd64 and arm64 hosts (the
            // launcher names the cache after the architecture too) must not make one load the other's
            String arch = "/" + OSInfo.getArchName() + "/" + LibraryLoaderUtil.getNativeLibName();
            return ours(entryFile) && entry.startsWith(NATIVE) && entry.endsWith(arch) ? entry : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Keeps which jar entry the library is, for the next start (if it cannot, the next start asks sqlite-jdbc again). */
    private static void keep(Path entryFile, String entry) {
        try {
            Path tmp = Files.createTempFile(
                    entryFile.getParent(), entryFile.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, entry + "\n");
                tmp.toFile().setReadable(true, false);
                Files.move(tmp, entryFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // the library is used all the same
        }
    }

    /** Copies the jar's library for this OS and architecture ({@code entry}) to {@code lib}, whole or not at all. */
    private static boolean extract(Path lib, String entry) {
        try (InputStream in = SqliteLibrary.class.getResourceAsStream("/" + entry)) {
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
