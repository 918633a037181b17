package io.backupverifier.config;

/**
 * One configuration key: its name in {@code config/application.properties}, the
 * environment variable that overrides it (DESIGN.md section 8), its default, the kind of value
 * it holds and what it is. An empty default means "derived from other keys" or "not set", and
 * such a key may be left empty whatever its type.
 */
public record Setting(String property, String env, String defaultValue, SettingType<?> type, String description) {

    /** How messages name the key: the variable operators set, and the property. */
    public String label() {
        return env + " (" + property + ")";
    }

    /** Whether the value is a secret (a password): never shown. */
    public boolean secret() {
        return type == SettingType.SECRET;
    }

    /** Whether the key may be left empty (its default is empty). */
    public boolean optional() {
        return defaultValue.isEmpty();
    }
}
