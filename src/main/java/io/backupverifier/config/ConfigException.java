package io.backupverifier.config;

/** A configuration value that cannot work; the message names the key and says why, in one line. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}
