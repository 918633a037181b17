package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.livedb.LiveDatabaseResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code check-db}: read-only checks on the live database, safe to run on production. */
@Command(
        name = "check-db",
        mixinStandardHelpOptions = true,
        description = {
            "Read-only checks on the live database (DATABASE_TYPE, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME): "
                    + "connectivity, key tables (RESTORE_KEY_TABLES), blocked locks with the blocking query, and the consistency "
                    + "queries. Runs in a read-only transaction: it never writes."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every check passed (warnings allowed)",
            "1:a check FAILED (or the database is unreachable)",
            "2:usage or configuration error"
        })
final class CheckDbCommand extends OperatorCommand {

    @Option(names = "--alert", description = "Mail an alert when a check newly fails.")
    boolean alert;

    CheckDbCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    int run() throws Exception {
        Settings settings = common.settings(ctx);
        try (OneShot app = new OneShot(ctx, common, settings)) {
            LiveDatabaseResult r = app.template()
                    .requestBodyAndHeader("direct:check-db-run", null, "alert", alert, LiveDatabaseResult.class);
            if (alert) {
                app.deliverAlerts(); // as verify --alert: the mail goes out now, not when a service next runs
            }
            return ResultPrinter.print(ctx, json(), List.of(r), List.of());
        }
    }
}
