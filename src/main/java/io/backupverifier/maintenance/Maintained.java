package io.backupverifier.maintenance;

/** One thing maintenance did, or could not do: a failure is known by its type, not by its wording. */
public record Maintained(String message, boolean failed) {

    public static Maintained done(String message) {
        return new Maintained(message, false);
    }

    public static Maintained failed(String message) {
        return new Maintained(message, true);
    }

    @Override
    public String toString() {
        return message;
    }
}
