package io.backupverifier.alert;

/**
 * An alert could not be made durable (the outbox cannot be written). Not an I/O hiccup to
 * carry on after: the verdict that caused the alert must not be committed without it.
 */
public final class AlertNotKeptException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AlertNotKeptException(String message, Throwable cause) {
        super(message, cause);
    }
}
