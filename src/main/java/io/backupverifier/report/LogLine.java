package io.backupverifier.report;

/** A seed-style output line: {@code [LEVEL] message}. */
public record LogLine(String level, String message) {

    public static final String INFO = "INFO";
    public static final String SUCCESS = "SUCCESS";
    public static final String WARNING = "WARNING";
    public static final String ERROR = "ERROR";

    @Override
    public String toString() {
        return "[" + level + "] " + message;
    }
}
