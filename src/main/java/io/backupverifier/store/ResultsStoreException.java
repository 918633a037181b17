package io.backupverifier.store;

/** The results store could not be reached or written; verification goes on without it. */
public final class ResultsStoreException extends RuntimeException {

    public ResultsStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
