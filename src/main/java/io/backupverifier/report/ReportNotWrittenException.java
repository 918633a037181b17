package io.backupverifier.report;

import java.io.IOException;

/** The report files could not be written; none of them is left half-written. */
public final class ReportNotWrittenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReportNotWrittenException(String message, IOException cause) {
        super(message, cause);
    }
}
