package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.restore.TestDatabaseCleanup;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cleanup}: what the maintenance timer does, now. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Drop test databases (*_test_YYYYMMDD_HHMMSS) older than TEST_DB_RETENTION_DAYS on the test server "
                + "and remove what crashed restore tests left behind."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:something could not be cleaned up", "2:usage or configuration error"})
final class CleanupCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    private final CliContext ctx;

    CleanupCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings(ctx);
        try (OneShot app = new OneShot(ctx, common, settings)) {
            List<String> done = app.bean("testDatabaseCleanup", TestDatabaseCleanup.class).run();
            if (done.isEmpty()) {
                ctx.out().println("[SUCCESS] Nothing to clean up");
            }
            boolean failed = false;
            for (String line : done) {
                boolean problem = line.startsWith("Cannot");
                failed |= problem;
                ctx.out().println((problem ? "[ERROR] " : "[SUCCESS] ") + line);
            }
            return failed ? BackupVerifierCli.FAILED : BackupVerifierCli.OK;
        }
    }
}
