package io.backupverifier.checks;

import io.backupverifier.scan.ContentKind;
import io.backupverifier.scan.ContentReport;
import io.backupverifier.scan.GzipReport;

/**
 * {@code dump_complete}: a plain pg_dump ends with its real completion trailer. Catches the
 * dump that died half-way inside a perfectly valid gzip.
 */
public final class DumpCompleteCheck implements Check {

    @Override
    public String id() {
        return CheckId.DUMP_COMPLETE.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        ContentReport c = v.scan().content();
        if (c.kind() != ContentKind.PLAIN || c.trailer() == null) {
            return CheckResult.skipped("Only a plain pg_dump has a completion trailer (this is "
                    + (c.kind() == ContentKind.UNKNOWN
                            ? "unrecognised content"
                            : "a " + c.kind().label()) + ")");
        }
        if (c.trailer().complete()) {
            return CheckResult.passed(c.trailer().message());
        }
        GzipReport g = v.scan().gzip();
        String cause = g.gzip() && !g.intact() ? " (the gzip stream breaks before the end)" : "";
        return CheckResult.failed(c.trailer().message() + cause);
    }
}
