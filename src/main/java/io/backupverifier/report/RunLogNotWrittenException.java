package io.backupverifier.report;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A run log line could not be written: reported, and the run goes on (errors.yaml knows it by this type). */
public final class RunLogNotWrittenException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    public RunLogNotWrittenException(String message, IOException cause) {
        super(message, cause);
    }
}
