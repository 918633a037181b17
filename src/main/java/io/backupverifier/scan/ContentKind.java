package io.backupverifier.scan;

/** The kinds of backup content this program recognises (DESIGN.md section 3). */
public enum ContentKind {
    PLAIN("plain", "PostgreSQL plain dump"),
    CUSTOM("custom", "PostgreSQL custom archive"),
    SQLITE("sqlite", "SQLite database"),
    TAR("tar", "tar archive"),
    UNKNOWN("unknown", "unrecognised content"),
    EMPTY("empty", "no content");

    private final String format;
    private final String label;

    ContentKind(String format, String label) {
        this.format = format;
        this.label = label;
    }

    /** The sidecar's {@code format} value for this kind. */
    public String format() {
        return format;
    }

    public String label() {
        return label;
    }
}
