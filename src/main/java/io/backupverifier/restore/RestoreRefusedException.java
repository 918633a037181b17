package io.backupverifier.restore;

/** The dump asks for something a restore test never does (a shell command, COPY ... PROGRAM). */
public final class RestoreRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RestoreRefusedException(String message) {
        super(message);
    }
}
