package io.backupverifier.cli;

import picocli.CommandLine.Option;

/** {@code --json}, for the commands whose result is a document (DESIGN.md section 7). */
final class JsonOption {

    @Option(names = "--json", description = "Print the result as JSON on stdout, and nothing else on stdout.")
    boolean json;
}
