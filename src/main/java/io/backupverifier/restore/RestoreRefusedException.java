package io.backupverifier.restore;

/** The dump asks for something a restore test never does (a shell command, COPY ... PROGRAM). */
public final class RestoreRefusedException extends Exception {

    public RestoreRefusedException(String message) {
        super(message);
    }
}
