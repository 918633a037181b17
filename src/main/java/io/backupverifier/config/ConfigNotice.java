package io.backupverifier.config;

/**
 * Something about the configuration a person should know but that does not stop start-up: an
 * unknown key (a typo), a value accepted in another form (a Unix cron). {@code level} is
 * {@code WARNING} or {@code INFO}; {@code check} lists the warnings as FAILED.
 */
public record ConfigNotice(String level, String key, String message) {

    public static final String WARNING = "WARNING";
    public static final String INFO = "INFO";

    public boolean isWarning() {
        return WARNING.equals(level);
    }

    /** The line printed before a command runs, seed style. */
    public String line() {
        return "[" + level + "] " + message;
    }
}
