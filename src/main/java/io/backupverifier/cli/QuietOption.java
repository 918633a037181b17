package io.backupverifier.cli;

import picocli.CommandLine.Option;

/** {@code --quiet}, for cron: only what needs a person, and the summary. */
final class QuietOption {

    @Option(
            names = {"-q", "--quiet"},
            description = "Print only FAILED and ERROR lines and the summary (for cron: no news is good news).")
    boolean quiet;
}
