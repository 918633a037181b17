package io.backupverifier.checks;

/** One check's verdict with a one-line message a person understands. */
public record CheckResult(CheckStatus status, String message) {

    public static CheckResult passed(String message) {
        return new CheckResult(CheckStatus.PASSED, message);
    }

    public static CheckResult failed(String message) {
        return new CheckResult(CheckStatus.FAILED, message);
    }

    public static CheckResult warning(String message) {
        return new CheckResult(CheckStatus.WARNING, message);
    }

    /** The check could not run for a reason outside the backup; the message names the cause. */
    public static CheckResult error(String message) {
        return new CheckResult(CheckStatus.ERROR, message);
    }

    public static CheckResult skipped(String message) {
        return new CheckResult(CheckStatus.SKIPPED, message);
    }
}
