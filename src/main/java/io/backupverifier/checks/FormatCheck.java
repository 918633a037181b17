package io.backupverifier.checks;

import io.backupverifier.scan.ContentKind;
import io.backupverifier.scan.ContentReport;

/** {@code format}: the content is a kind this program knows, recognised by its bytes. */
public final class FormatCheck implements Check {

    @Override
    public String id() {
        return CheckId.FORMAT.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        ContentReport c = v.scan().content();
        if (c.kind() == ContentKind.EMPTY) {
            return CheckResult.failed("No content to recognise: the backup is empty");
        }
        if (c.kind() == ContentKind.UNKNOWN) {
            return CheckResult.failed(c.description());
        }
        String declared = v.metadata().format();
        if (declared != null && !declared.equals(c.kind().format())) {
            return CheckResult.warning(
                    "Content is a " + c.description() + " but the sidecar says format '" + declared + "'");
        }
        return CheckResult.passed("Recognised " + c.description());
    }
}
