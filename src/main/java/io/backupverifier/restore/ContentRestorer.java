package io.backupverifier.restore;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How one kind of PostgreSQL backup content is restored into a test database: a plain dump
 * ({@link PlainDumpContent}), a custom archive ({@link CustomArchiveRestorer}). What follows the
 * restore (the lease of the database, the checks, the row counts) is the same for every kind
 * ({@link PostgresRestoreTest}).
 */
interface ContentRestorer {

    /** Why this content cannot be restored on this host (the restore check's SKIPPED message), or null. */
    default String unavailable() {
        return null;
    }

    /**
     * Restores {@code backup} into {@code db}, as its restore role; {@code result} hears how the load
     * goes. A restorer with a schedule of its own runs {@code indexCheck} on each index of a table it loaded.
     */
    RestoreOutcome restore(Path backup, TestDatabase db, RestoreResult result, PlainDumpRestorer.IndexCheck indexCheck)
            throws IOException;

    /** What the restore check's message says of how it went, after the target (e.g. ": 120 statements, ..."). */
    String describe(RestoreOutcome outcome);
}
