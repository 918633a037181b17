package io.backupverifier.config;

/** A configuration value that cannot work; the message names the key and says why, in one line. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
