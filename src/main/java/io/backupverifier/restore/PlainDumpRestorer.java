package io.backupverifier.restore;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Restores a plain pg_dump through JDBC: what psql restores for a non-superuser owner, faster and safer.
 *
 * <ul>
 *   <li>Safe: psql meta-commands other than the ones pg_dump writes ({@code \connect} to the
 *       dump's own database, {@code restrict} and {@code unrestrict}) are refused and nothing
 *       of them runs; {@code COPY ... PROGRAM} is refused before it reaches the server (which
 *       would refuse it too: the restore role is no superuser). Ownership statements are
 *       skipped and counted, like {@code pg_restore --no-owner}; privilege statements are kept
 *       when their roles exist on the test server. A dump's timeouts (pg_dump writes
 *       {@code statement_timeout = 0}) are not sent: the restore test's own limits stay.</li>
 *   <li>Like psql: statements that fail only for lack of superuser (event triggers, C functions,
 *       untrusted extensions ...) and errors of a {@code --clean} dump's leading DROP section are
 *       counted and reported, not fatal; a dump in another client_encoding is decoded in it;
 *       {@code ALTER DATABASE ... SET} and {@code COMMENT ON DATABASE} of a {@code --create} dump
 *       are applied to the test database.</li>
 *   <li>Parallel, in pg_dump's dependency order: the schema runs on one connection; each
 *       table's COPY data is spooled to a temporary file as the dump streams by and loaded on
 *       a pool of connections; primary keys, unique constraints and indexes are then built in
 *       parallel, then foreign keys ({@link LoadScheduler}: each added NOT VALID, then validated
 *       locking only its referencing table, so the keys to one table validate side by side). Each job runs with the session
 *       settings of its place in the dump. Any other statement waits for everything before it.</li>
 * </ul>
 */
public final class PlainDumpRestorer {

    /** Makes a connection as the restore role to the test database. */
    public interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * A check the restore runs on each index of a loaded table inside its schedule, once the table's
     * data and indexes are in, on connections for checks that would otherwise idle ({@link
     * AmcheckCheck}). Never fails the restore: what it cannot verify there is verified after it.
     * Its connections are the restore role's, with {@code search_path = pg_catalog, pg_temp}.
     */
    public interface IndexCheck {
        /** The indexes of one table (by OID) to check, by OID; none when the check cannot run now. */
        List<Long> indexesOf(Connection checker, long tableOid);

        /** Checks one index, by OID; takes only the weakest lock (ACCESS SHARE) on it and its table. */
        void check(Connection checker, long indexOid);

        /** A statement ran that may have changed rows: what was verified so far is verified again after the restore. */
        void forgetAll();

        /** No more checks during this restore; what was verified is verified again after it. */
        void stop();

        /**
         * {@link #stop()}, and what the check installed into the test database taken out again: the
         * dump is about to touch it (its own {@code CREATE EXTENSION amcheck}). Called while no job runs.
         */
        void withdraw();
    }

    private final Connector connector;
    private final Connector checks;
    private final IndexCheck indexCheck;
    private final int parallelism;
    private final Path spoolDir;
    private final long maxStatement;

    public PlainDumpRestorer(Connector connector, int parallelism, Path spoolDir) {
        this(connector, parallelism, spoolDir, DumpParser.DEFAULT_MAX_STATEMENT);
    }

    /** @param maxStatement the longest statement accepted, in bytes (RESTORE_MAX_STATEMENT) */
    public PlainDumpRestorer(Connector connector, int parallelism, Path spoolDir, long maxStatement) {
        this(connector, null, null, parallelism, spoolDir, maxStatement);
    }

    /**
     * @param checks connections as the restore role with {@code search_path = pg_catalog, pg_temp}: with them the
     *               restore runs part of the checks inside its schedule ({@link RestoreOutcome#loaded()}); null for none
     * @param indexCheck run on each index of a loaded table inside the schedule too (with {@code checks}); null for none
     */
    public PlainDumpRestorer(
            Connector connector,
            Connector checks,
            IndexCheck indexCheck,
            int parallelism,
            Path spoolDir,
            long maxStatement) {
        this.connector = connector;
        this.checks = checks;
        this.indexCheck = checks == null ? null : indexCheck;
        this.parallelism = Math.max(1, parallelism);
        this.spoolDir = spoolDir;
        this.maxStatement = maxStatement;
    }

    /** Hears how the load goes: tables loaded of those seen so far, rows, rows per second. */
    public interface Progress {
        Progress NONE = (tablesLoaded, tables, rows, rowsPerSecond) -> {};

        void loading(long tablesLoaded, long tables, long rows, double rowsPerSecond);
    }

    public RestoreOutcome restore(InputStream dump) {
        return restore(dump, Progress.NONE);
    }

    public RestoreOutcome restore(InputStream dump, Progress progress) {
        long started = System.currentTimeMillis();
        try (RestoreSession run = new RestoreSession(connector, checks, indexCheck, parallelism, spoolDir, progress)) {
            String error = null;
            try {
                new DumpParser(new BufferedInputStream(dump, 1 << 16), maxStatement).parse(run);
                run.finish();
            } catch (RestoreRefusedException | RestoreSession.Failed e) {
                error = e.getMessage();
            } catch (DumpFormatException e) {
                error = "Dump is not valid: " + e.getMessage();
            } catch (Exception e) {
                error = run.failure() != null ? run.failure() : "Restore failed: " + e.getMessage();
            }
            if (error == null && run.failure() != null) {
                error = run.failure();
            }
            return run.outcome(error, System.currentTimeMillis() - started);
        }
    }
}
