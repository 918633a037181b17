package io.backupverifier.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The temporary files and directories restore tests make in RESTORE_WORK_DIR, named here
 * once: the code that makes them and the cleanup that removes what a crash left behind
 * agree on their names.
 */
enum WorkFiles {

    /** A custom archive's copy (inflated when gzip) that pg_restore -j reads: seekable, and exactly what was hashed. */
    ARCHIVE("archive-", ".dump"),
    /** The private copy of an SQLite backup that is opened (never the backup itself). */
    SQLITE("sqlite-", ".db"),
    /** One table's COPY data, spooled while the dump streams by. */
    COPY("copy-", ".dat"),
    /** Made and removed at once: proves the work directory writable. */
    PROBE("probe-", ".tmp");

    /** An embedded server's home (a directory). */
    static final String EMBEDDED_HOME = "bv-embedded-pg-";
    /** The initdb template of the embedded servers (a directory laid out like a server's home, so named like one). */
    static final String EMBEDDED_TEMPLATE = EMBEDDED_HOME + "template-";
    /** Embedded PostgreSQL binaries being unpacked (a directory), moved into place when complete. */
    static final String BINARIES_UNPACKING = "bv-pg-bin-tmp-";

    private final String prefix;
    private final String suffix;

    WorkFiles(String prefix, String suffix) {
        this.prefix = prefix;
        this.suffix = suffix;
    }

    /** A new, empty file of this kind in {@code dir}. */
    Path create(Path dir) throws IOException {
        return Files.createTempFile(dir, prefix, suffix);
    }

    /** Whether an entry of the work directory is one of these (so a crash's leftover, once old and unowned). */
    static boolean isOurs(String name) {
        return name.startsWith(EMBEDDED_HOME)
                || name.startsWith(BINARIES_UNPACKING)
                || Arrays.stream(values()).anyMatch(w -> name.startsWith(w.prefix) && name.endsWith(w.suffix));
    }
}
