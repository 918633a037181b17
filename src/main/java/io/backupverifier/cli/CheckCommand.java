package io.backupverifier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.config.Settings;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code check}: the installation's own health, one OK/FAILED line per item (Barman's check). */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "The installation's own health, one OK/FAILED line per item with the fix: backup directory readable; "
                    + "log, state and outbox directories writable; results store reachable; SMTP server answers (EHLO, and the "
                    + "login when SMTP_USER is set; no mail is sent); test database server reachable with CREATEDB and CREATEROLE "
                    + "(or the embedded server's binaries and work directory); pg_restore found for custom archives; the newest "
                    + "backup of each category fresh; no unknown configuration keys. Run it after changing the configuration."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every item OK",
            "1:an item FAILED",
            "2:the configuration cannot be loaded (the message names the key)"
        })
final class CheckCommand extends OperatorCommand {

    CheckCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    int run() throws Exception {
        Settings settings = common.load(ctx);
        List<InstallationChecks.Item> items = new InstallationChecks(settings, ctx.home(), ctx.clock()).run();
        boolean ok = items.stream().allMatch(InstallationChecks.Item::ok);
        if (json()) {
            ObjectNode root = JsonDocument.start(ctx);
            root.put("status", ok ? "OK" : "FAILED");
            ObjectNode checks = root.putObject("checks");
            for (InstallationChecks.Item i : items) {
                ObjectNode c = checks.putObject(i.id())
                        .put("name", i.name())
                        .put("status", i.ok() ? "OK" : "FAILED")
                        .put("message", i.message());
                if (!i.ok()) {
                    c.put("fix", i.fix());
                }
            }
            JsonDocument.print(ctx, root);
        } else {
            ctx.out()
                    .println("Checking the installation (BACKUP_DIR = "
                            + settings.backupDir().toAbsolutePath().normalize() + ")");
            for (InstallationChecks.Item i : items) {
                ctx.out()
                        .println("  " + i.name() + ": " + (i.ok() ? "OK" : "FAILED") + " (" + i.message() + ")"
                                + (i.ok() ? "" : "; fix: " + i.fix()));
            }
            long failed = items.stream().filter(i -> !i.ok()).count();
            ctx.out()
                    .println(
                            failed == 0
                                    ? "[SUCCESS] All " + items.size() + " checks OK"
                                    : "[ERROR] " + failed + " of " + items.size() + " checks FAILED");
        }
        return ok ? BackupVerifierCli.OK : BackupVerifierCli.FAILED;
    }
}
