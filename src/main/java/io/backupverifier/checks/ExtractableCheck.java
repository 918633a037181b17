package io.backupverifier.checks;

import io.backupverifier.scan.Bytes;
import io.backupverifier.scan.ContentReport;
import io.backupverifier.scan.GzipReport;

/** {@code extractable}: the content reads to its end (for tar every entry, for a plain dump the whole stream). */
public final class ExtractableCheck implements Check {

    @Override
    public String id() {
        return CheckId.EXTRACTABLE.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        ContentReport c = v.scan().content();
        GzipReport g = v.scan().gzip();
        if (v.scan().readError() != null) {
            return CheckResult.failed("Backup extraction failed: " + v.scan().readError());
        }
        if (g.gzip() && !g.intact()) {
            return CheckResult.failed("Backup extraction failed after " + Bytes.human(c.bytes())
                    + " of content: the gzip stream breaks (" + g.message() + ")");
        }
        if (c.extractError() != null) {
            return CheckResult.failed("Backup extraction failed: " + c.extractError());
        }
        return CheckResult.passed("Backup extraction test passed: " + c.extracted());
    }
}
