package io.backupverifier.checks;

import io.backupverifier.scan.Bytes;

/** {@code size}: the file is between {@code min-size} and {@code max-size}. */
public final class SizeCheck implements Check {

    private final long minBytes;
    private final long maxBytes;

    public SizeCheck(long minBytes, long maxBytes) {
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
    }

    @Override
    public String id() {
        return CheckId.SIZE.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        long size = v.scan().size();
        if (size < 0) {
            return CheckResult.failed("File size unknown: " + v.scan().readError());
        }
        if (size == 0) {
            return CheckResult.failed("File is empty (0 bytes): the backup job wrote nothing");
        }
        if (size < minBytes) {
            return CheckResult.failed("File too small: " + size + " bytes, minimum " + Bytes.human(minBytes)
                    + " (empty or truncated backup)");
        }
        if (size > maxBytes) {
            return CheckResult.failed("File too large: " + Bytes.human(size) + ", maximum " + Bytes.human(maxBytes));
        }
        return CheckResult.passed("File size check passed (" + Bytes.human(size) + ")");
    }
}
