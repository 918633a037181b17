package io.backupverifier.checks;

/** {@code metadata}: the sidecar is present, valid JSON, complete and agrees with the file. */
public final class MetadataCheck implements Check {

    @Override
    public String id() {
        return "metadata";
    }

    @Override
    public CheckResult evaluate(Verification v) {
        Metadata m = v.metadata();
        if (!m.problems().isEmpty()) {
            String first = m.problems().get(0);
            String message = Character.toUpperCase(first.charAt(0)) + first.substring(1);
            if (m.problems().size() > 1) {
                message += "; " + String.join("; ", m.problems().subList(1, m.problems().size()));
            }
            return CheckResult.failed(message);
        }
        return CheckResult.passed("Metadata valid (created " + m.createdAt() + ", category " + v.category() + ")");
    }
}
