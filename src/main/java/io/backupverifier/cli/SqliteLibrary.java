package io.backupverifier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        if (!Files.isRegularFile(lib) && !extract(lib)) {
            return;
        }
        // sqlite-jdbc loads it with System.load; a file it cannot load makes it fall back to its own copy
        System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
        System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
    }

    /** Copies the jar's library for this OS and architecture to {@code lib}, whole or not at all. */
    private static boolean extract(Path lib) {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = SqliteLibrary.class.getResourceAsStream(resource)) {
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
