package io.backupverifier.checks;

import io.backupverifier.sidecar.Metadata;

/** {@code metadata}: the sidecar is present, valid JSON, complete and agrees with the file. */
public final class MetadataCheck implements Check {

    @Override
    public String id() {
        return CheckId.METADATA.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        Metadata m = v.metadata();
        if (!m.problems().isEmpty()) {
            String all = String.join("; ", m.problems());
            // "metadata file missing: X" reads on its own; field problems need saying whose they are
            return CheckResult.failed(all.startsWith("metadata file")
                    ? "M" + all.substring(1) : "Metadata invalid: " + all);
        }
        return CheckResult.passed("Metadata valid (created " + m.createdAt() + ", category " + v.category() + ")");
    }
}
