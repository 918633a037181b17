package io.backupverifier.restore;

import io.backupverifier.scan.Bytes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The inflated content of a gzip backup being restored, cut off at MAX_EXPANDED_SIZE or at
 * MAX_EXPANSION_RATIO to the file's size, as the verification's own pass is: a gzip bomb must
 * not fill the restore work directory (a gzip-wrapped archive or SQLite file is copied there)
 * nor keep a restore busy for hours.
 */
final class ExpansionLimit extends FilterInputStream {

    /** Below this much content the ratio is not judged: tiny files of repeated bytes compress very well. */
    private static final long RATIO_FLOOR = 64L * 1024 * 1024;

    private final long compressed;
    private final long maxExpanded;
    private final int maxRatio;
    private long expanded;

    ExpansionLimit(InputStream inflated, long compressed, long maxExpanded, int maxRatio) {
        super(inflated);
        this.compressed = Math.max(compressed, 1);
        this.maxExpanded = maxExpanded;
        this.maxRatio = maxRatio;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws DumpFormatException {
        expanded += n;
        if (expanded > maxExpanded) {
            throw new DumpFormatException("the backup's content is larger than MAX_EXPANDED_SIZE ("
                    + Bytes.human(maxExpanded) + "): not read further");
        }
        if (maxRatio > 0 && expanded > RATIO_FLOOR && expanded / compressed > maxRatio) {
            throw new DumpFormatException(Bytes.human(expanded) + " of content from " + Bytes.human(compressed)
                    + ", more than MAX_EXPANSION_RATIO " + maxRatio
                    + ":1 (a gzip bomb, not a backup): not read further");
        }
    }
}
