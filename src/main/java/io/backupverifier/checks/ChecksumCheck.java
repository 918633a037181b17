package io.backupverifier.checks;

import io.backupverifier.sidecar.Metadata;
import io.backupverifier.sidecar.MetadataReader;

/**
 * {@code checksum}: the SHA-256 of the file equals the one in the sidecar, or in
 * {@code X.sha256} when the sidecar has none. SKIPPED only when no checksum is known.
 */
public final class ChecksumCheck implements Check {

    @Override
    public String id() {
        return CheckId.CHECKSUM.id();
    }

    @Override
    public CheckResult evaluate(Verification v) {
        Metadata m = v.metadata();
        String actual = v.scan().sha256();
        String expected = m.sha256() != null ? m.sha256() : m.sha256File();
        if (expected == null) {
            String why = m.sha256FileProblem() != null ? " (" + m.sha256FileProblem() + ")" : "";
            return CheckResult.skipped("No checksum to compare: no sha256 in the sidecar and no usable "
                    + MetadataReader.sha256FileOf(v.file()).getFileName() + why);
        }
        if (actual == null) {
            return CheckResult.failed(
                    "SHA256 checksum not computed: " + v.scan().readError());
        }
        if (m.sha256() != null && m.sha256File() != null && !m.sha256().equals(m.sha256File())) {
            return CheckResult.failed("SHA256 sources disagree: sidecar says " + m.sha256() + ", "
                    + MetadataReader.sha256FileOf(v.file()).getFileName() + " says " + m.sha256File()
                    + "; file is " + actual);
        }
        if (!expected.equals(actual)) {
            return CheckResult.failed("SHA256 checksum mismatch: expected " + expected + ", got " + actual);
        }
        String source = m.sha256() != null
                ? "sidecar"
                : MetadataReader.sha256FileOf(v.file()).getFileName().toString();
        return CheckResult.passed("SHA256 checksum verified (" + source + ")");
    }
}
