package io.backupverifier.scan;

/**
 * What decoding the gzip layer found: how many members, how many bytes, and the first
 * problem if there was one. {@code problem == null} means every member inflated and its
 * CRC32 and ISIZE matched, with nothing after the last member.
 */
public record GzipReport(
        boolean gzip, int members, long compressedBytes, long uncompressedBytes, Problem problem, String message) {

    /** Kinds of gzip failure, so checks can word their advice. */
    public enum Problem {
        NOT_GZIP,
        EMPTY,
        TRUNCATED,
        CORRUPT,
        CRC_MISMATCH,
        ISIZE_MISMATCH,
        TRAILING_DATA,
        UNREADABLE,
        TOO_LARGE
    }

    public boolean intact() {
        return gzip && problem == null;
    }

    static GzipReport notGzip(String message, Problem problem) {
        return new GzipReport(false, 0, 0, 0, problem, message);
    }
}
