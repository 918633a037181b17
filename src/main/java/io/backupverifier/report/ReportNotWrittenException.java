package io.backupverifier.report;

import java.io.IOException;

/** The report files could not be written; none of them is left half-written. */
public final class ReportNotWrittenException extends RuntimeException {

    public ReportNotWrittenException(String message, IOException cause) {
        super(message, cause);
    }
}
