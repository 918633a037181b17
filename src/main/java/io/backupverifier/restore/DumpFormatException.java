package io.backupverifier.restore;

import java.io.IOException;

/** The dump is not what pg_dump writes (cut, or crafted); the message says where. */
public final class DumpFormatException extends IOException {

    public DumpFormatException(String message) {
        super(message);
    }
}
