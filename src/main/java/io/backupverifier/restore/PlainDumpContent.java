package io.backupverifier.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** A plain pg_dump (gzip or not), restored by the {@link PlainDumpRestorer} as it streams by. */
final class PlainDumpContent implements ContentRestorer {

    private final BackupContent content;
    private final int parallelism;
    private final Path spoolDir;
    private final long maxStatement;

    PlainDumpContent(BackupContent content, int parallelism, Path spoolDir, long maxStatement) {
        this.content = content;
        this.parallelism = parallelism;
        this.spoolDir = spoolDir;
        this.maxStatement = maxStatement;
    }

    /** Restores as the restore role; the checks that run inside the restore's schedule with search_path pg_catalog, pg_temp. */
    @Override
    public RestoreOutcome restore(
            Path backup, TestDatabase db, RestoreResult result, PlainDumpRestorer.IndexCheck indexCheck)
            throws IOException {
        try (InputStream dump = content.open(backup, result::contentRead)) {
            return new PlainDumpRestorer(
                            db::connectForRestore,
                            db::connectForChecks,
                            indexCheck,
                            parallelism,
                            spoolDir,
                            maxStatement)
                    .restore(dump, result::loading);
        }
    }

    @Override
    public String describe(RestoreOutcome o) {
        return String.format(
                ": %d statements, %d tables of data (%d rows)%s%s",
                o.statements(),
                o.copyBlocks(),
                o.rows(),
                o.skipped() > 0 ? ", " + o.skipped() + " owner/privilege statements skipped" : "",
                o.cleanErrorMessage() != null ? "; " + o.cleanErrorMessage() : "");
    }
}
