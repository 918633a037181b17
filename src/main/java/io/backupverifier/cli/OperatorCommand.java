package io.backupverifier.cli;

import io.backupverifier.config.ConfigException;
import io.backupverifier.store.ResultsStoreException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command with a {@code --json} document: the operator commands (list, check, history, config)
 * and the checking ones (verify, restore-test, check-db). With {@code --json}, whatever happens,
 * stdout gets one document: the result, or an {@code "error"} object with the exit code.
 */
abstract class OperatorCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption output;

    protected final CliContext ctx;

    OperatorCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (ConfigException | UsageException e) {
            return fail(e.getMessage(), BackupVerifierCli.USAGE);
        } catch (ResultsStoreException | UncheckedIOException e) {
            return fail(e.getMessage(), BackupVerifierCli.FAILED);
        } catch (Exception e) {
            if (output.json) {
                return JsonDocument.error(
                        ctx,
                        e.getMessage() == null
                                ? e.getClass().getSimpleName()
                                : e.getMessage().strip(),
                        BackupVerifierCli.FAILED);
            }
            throw e;
        }
    }

    boolean json() {
        return output.json;
    }

    int fail(String message, int exit) {
        if (output.json) {
            return JsonDocument.error(ctx, message, exit);
        }
        ctx.err().println("[ERROR] " + message);
        return exit;
    }
}
