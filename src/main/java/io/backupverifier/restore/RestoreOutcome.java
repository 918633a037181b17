package io.backupverifier.restore;

/**
 * How a restore went.
 *
 * @param error        why it failed (with the dump's line number), or null when it succeeded
 * @param statements   SQL statements executed
 * @param copyBlocks   tables whose data was loaded
 * @param rows         rows loaded by COPY
 * @param skipped      ownership and privilege statements skipped (as pg_restore --no-owner --no-acl)
 */
public record RestoreOutcome(String error, long statements, long copyBlocks, long rows, long skipped, long millis) {

    public boolean ok() {
        return error == null;
    }
}
