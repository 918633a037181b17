package io.backupverifier.scan;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The facts one streaming pass over a backup file established; the checks turn them into
 * verdicts.
 *
 * @param readError why the file could not be read (permission, I/O error), or null
 * @param sha256    hex SHA-256 of the whole file, null when it could not be read to the end
 * @param gzip      the gzip layer; {@code gzip.gzip()} is false for content that is not gzip
 * @param content   the content as recognised and read
 */
public record ScanResult(
        Path file,
        long size,
        Instant modified,
        String readError,
        String sha256,
        GzipReport gzip,
        ContentReport content,
        long durationMillis) {

    /** A file that could not be read at all: only why is known. */
    public static ScanResult unread(Path file, String why) {
        return new ScanResult(
                file,
                -1,
                null,
                why,
                null,
                GzipReport.notGzip(why, GzipReport.Problem.UNREADABLE),
                new ContentReport(ContentKind.UNKNOWN, why, 0, why, null, null),
                0);
    }
}
