package io.backupverifier.report;

/** A seed-style output line: {@code [LEVEL] message}. */
public record LogLine(String level, String message) {

    public static final String INFO = "INFO";
    public static final String SUCCESS = "SUCCESS";
    public static final String WARNING = "WARNING";
    public static final String ERROR = "ERROR";

    /** The seed's level for a check status: PASSED is SUCCESS, FAILED and ERROR are ERROR, SKIPPED is INFO. */
    public static String levelOf(io.backupverifier.checks.CheckStatus status) {
        return switch (status) {
            case PASSED -> SUCCESS;
            case WARNING -> WARNING;
            case FAILED, ERROR -> ERROR;
            case SKIPPED -> INFO;
        };
    }

    @Override
    public String toString() {
        return "[" + level + "] " + message;
    }
}
