package io.backupverifier.config;

/**
 * One configuration key: its name in {@code config/application.properties}, the
 * environment variable that overrides it (DESIGN.md section 8), its default and what it is.
 * An empty default means "derived from other keys" or "not set".
 */
public record Setting(String property, String env, String defaultValue, String description) {

    /** How messages name the key: the variable operators set, and the property. */
    public String label() {
        return env + " (" + property + ")";
    }
}
