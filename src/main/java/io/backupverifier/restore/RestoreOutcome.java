package io.backupverifier.restore;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a restore went.
 *
 * @param error         why it failed (with the dump's line number), or null when it succeeded
 * @param statements    SQL statements executed
 * @param copyBlocks    tables whose data was loaded
 * @param rows          rows loaded by COPY
 * @param skipped       ownership statements, and privilege statements for roles absent from the test server,
 *                      skipped (as pg_restore --no-owner does)
 * @param superuserOnly statements that failed only because the restore role is no superuser (event triggers,
 *                      C functions, untrusted extensions ...): not restored, and said so
 * @param cleanErrors   errors of the dump's leading DROP section (--clean): reported, as psql does, not fatal
 * @param loaded        what the restore itself proved on the way, for the checks ({@link Loaded#NONE} for pg_restore)
 */
public record RestoreOutcome(
        String error,
        long statements,
        long copyBlocks,
        long rows,
        long skipped,
        long millis,
        Skips superuserOnly,
        Skips cleanErrors,
        Loaded loaded) {

    public RestoreOutcome(String error, long statements, long copyBlocks, long rows, long skipped, long millis) {
        this(error, statements, copyBlocks, rows, skipped, millis, Skips.NONE, Skips.NONE);
    }

    public RestoreOutcome(
            String error,
            long statements,
            long copyBlocks,
            long rows,
            long skipped,
            long millis,
            Skips superuserOnly,
            Skips cleanErrors) {
        this(error, statements, copyBlocks, rows, skipped, millis, superuserOnly, cleanErrors, Loaded.NONE);
    }

    /**
     * What the restore did that a check need not do again: the checks run inside the restore's schedule.
     *
     * @param copyRows        rows each table's COPY blocks loaded, summed, by table OID; null when a statement of
     *                        the dump other than COPY may have changed rows (an INSERT, a trigger): then counted
     * @param analyzed        tables (OIDs) ANALYZEd once their data and indexes were in, while others loaded
     * @param analyzeFailure  the first error of those ANALYZEs, or null
     * @param analyzeMillis   the time those ANALYZEs took, summed
     * @param indexesBuilt    indexes and keys the restore built from the loaded rows
     * @param indexMillis     the time those builds took, summed over the connections
     */
    public record Loaded(
            Map<Long, Long> copyRows,
            Set<Long> analyzed,
            SQLException analyzeFailure,
            long analyzeMillis,
            long indexesBuilt,
            long indexMillis) {

        public static final Loaded NONE = new Loaded(null, Set.of(), null, 0, 0, 0);

        /** True when the restore built the indexes itself and timed them (a plain dump). */
        public boolean builtIndexes() {
            return this != NONE;
        }
    }

    public boolean ok() {
        return error == null;
    }

    /** E.g. {@code 3 statements need superuser and were not restored: CREATE EVENT TRIGGER ... (line 60), ...}; null when none. */
    public String superuserMessage() {
        return superuserOnly.any()
                ? superuserOnly.describe(
                        superuserOnly.count() == 1
                                ? "needs superuser and was not restored"
                                : "need superuser and were not restored")
                : null;
    }

    /** E.g. {@code 1 statement of the dump's leading DROP section failed (as under psql, the restore went on): ...}; null when none. */
    public String cleanErrorMessage() {
        return cleanErrors.any()
                ? cleanErrors.describe("of the dump's leading DROP section failed (as under psql, the restore went on)")
                : null;
    }

    /** One statement not restored: where it is, what it starts with (escaped, short), and why. */
    public record Skip(long line, String statement, String reason) {}

    /** How many statements were not restored for one reason, and the first few of them. */
    public record Skips(long count, List<Skip> first) {

        public static final Skips NONE = new Skips(0, List.of());
        static final int KEPT = 5;

        public boolean any() {
            return count > 0;
        }

        /**
         * One line for a check message, e.g. {@code 3 statements need superuser and were not restored:
         * CREATE EVENT TRIGGER ... (line 60), ...}; {@code what} is the middle part.
         */
        public String describe(String what) {
            // an archive's entries (pg_restore) have no line
            String listed = first.stream()
                    .map(s -> s.statement()
                            + (s.line() > 0
                                    ? " (line " + s.line() + (s.reason() == null ? ")" : ": " + s.reason() + ")")
                                    : s.reason() == null ? "" : " (" + s.reason() + ")"))
                    .collect(Collectors.joining(", "));
            return count + (count == 1 ? " statement " : " statements ") + what + ": " + listed
                    + (count > first.size() ? ", ..." : "");
        }
    }
}
