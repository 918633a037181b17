package io.backupverifier.store;

/** The results store could not be reached or written; verification goes on without it. */
public final class ResultsStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResultsStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
