package io.backupverifier.checks;

import io.backupverifier.scan.GzipReport;
import java.util.Locale;

/**
 * {@code gzip_integrity}: every member inflates, CRC32 and ISIZE match, nothing but gzip
 * after the last member. Content that is not gzip is SKIPPED, unless its name promises gzip.
 */
public final class GzipIntegrityCheck implements Check {

    @Override
    public String id() {
        return CheckId.GZIP_INTEGRITY.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        GzipReport g = v.scan().gzip();
        if (g.intact()) {
            return CheckResult.passed(g.message());
        }
        if (g.problem() == GzipReport.Problem.NOT_GZIP && !namedAsGzip(v)) {
            return CheckResult.skipped(
                    "Not gzip-compressed (" + v.scan().content().kind().label() + ")");
        }
        if (g.problem() == GzipReport.Problem.EMPTY && !namedAsGzip(v)) {
            return CheckResult.skipped("Not gzip-compressed (empty file)");
        }
        return CheckResult.failed(g.message());
    }

    static boolean namedAsGzip(Verification v) {
        String name = v.file().getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") || name.endsWith(".tgz");
    }
}
