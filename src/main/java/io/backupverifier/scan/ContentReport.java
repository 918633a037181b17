package io.backupverifier.scan;

/**
 * What reading the (decompressed) content found.
 *
 * @param kind          recognised kind
 * @param description   one line about the content, e.g. "PostgreSQL plain dump (pg_dump 15.19)"
 * @param bytes         content bytes read
 * @param extractError  why the content could not be read to its end, or null
 * @param extracted     one line on what was read, when it was read to the end
 * @param trailer       the completion verdict of a plain dump, null for other kinds
 */
public record ContentReport(
        ContentKind kind,
        String description,
        long bytes,
        String extractError,
        String extracted,
        DumpTrailerScanner.Verdict trailer) {}
