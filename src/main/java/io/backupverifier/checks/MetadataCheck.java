package io.backupverifier.checks;

import io.backupverifier.sidecar.Metadata;
import io.backupverifier.sidecar.MetadataReader;
import java.nio.file.Files;

/** {@code metadata}: the sidecar is present, valid JSON, complete and agrees with the file. */
public final class MetadataCheck implements Check {

    private final boolean required;

    public MetadataCheck() {
        this(true);
    }

    /** {@code required=false} (METADATA_REQUIRED=false): a missing sidecar is a WARNING, for seeds that never wrote one. */
    public MetadataCheck(boolean required) {
        this.required = required;
    }

    @Override
    public String id() {
        return CheckId.METADATA.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        Metadata m = v.metadata();
        if (!m.sidecarPresent() && !required) {
            // nothing but X.sha256 (or nothing) is known of this backup: say so, without failing it
            boolean sha = Files.exists(MetadataReader.sha256FileOf(v.file()));
            return CheckResult.warning("M" + String.join("; ", m.problems()).substring(1) + " (METADATA_REQUIRED=false"
                    + (sha
                            ? "; checksum from "
                                    + MetadataReader.sha256FileOf(v.file()).getFileName()
                            : "; no checksum known")
                    + ")");
        }
        if (!m.problems().isEmpty()) {
            String all = String.join("; ", m.problems());
            // "metadata file missing: X" reads on its own; field problems need saying whose they are
            return CheckResult.failed(
                    all.startsWith("metadata file") ? "M" + all.substring(1) : "Metadata invalid: " + all);
        }
        return CheckResult.passed("Metadata valid (created " + m.createdAt() + ", category " + v.category() + ")");
    }
}
