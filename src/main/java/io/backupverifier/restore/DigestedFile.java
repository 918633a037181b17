package io.backupverifier.restore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A backup file's bytes as a restore test reads them, hashed (SHA-256) as they go by: which content
 * the test saw. Whoever can write the backup directory can replace the file between the
 * verification's read and the restore test's, and set its modification time back; only this hash
 * ties a restore verdict to the content the verification hashed.
 */
final class DigestedFile extends FilterInputStream {

    private final MessageDigest sha;
    private boolean ended;

    DigestedFile(InputStream file) {
        super(file);
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            ended = true;
        } else {
            sha.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            ended = true;
        } else {
            sha.update(b, off, n);
        }
        return n;
    }

    /** Read, not skipped: every byte goes into the hash. */
    @Override
    public long skip(long n) throws IOException {
        int read = n <= 0 ? 0 : read(new byte[(int) Math.min(n, 1 << 16)]);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads what is left of the file into the hash (e.g. bytes after the last gzip member). */
    void readRest() throws IOException {
        transferTo(OutputStream.nullOutputStream());
    }

    /** The SHA-256 (hex) of the whole file as read, once read to its end; null before. Asked once. */
    String sha256() {
        return ended ? HexFormat.of().formatHex(sha.digest()) : null;
    }
}
