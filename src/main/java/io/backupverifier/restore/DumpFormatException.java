package io.backupverifier.restore;

import java.io.IOException;

/** The dump is not what pg_dump writes (cut, or crafted); the message says where. */
public final class DumpFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public DumpFormatException(String message) {
        super(message);
    }
}
