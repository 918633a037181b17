package io.backupverifier.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.config.Settings;
import io.backupverifier.scan.Bytes;
import io.backupverifier.sidecar.Category;
import io.backupverifier.store.ResultsQueries;
import io.backupverifier.store.ResultsQueries.RestoreRow;
import io.backupverifier.store.ResultsQueries.VerificationRow;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history FILE | --category C}: verifications and restore tests over time, with row-count drift. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "The verification and restore history of one backup, or of a category: statuses over time, sizes, "
                    + "restore durations, and per-table row counts compared with the previous restore test of the category. "
                    + "A table with half its rows or fewer (or gone) is flagged as row-count drift."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:shown, and the newest restore test shows no row-count drift",
            "1:the newest restore test shows row-count drift, or the results store cannot be read",
            "2:usage or configuration error"
        })
final class HistoryCommand extends OperatorCommand {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The backup.")
    Path file;

    @Option(
            names = "--category",
            paramLabel = "C",
            description = "A category instead of one backup (daily, weekly, monthly).")
    String category;

    HistoryCommand(CliContext ctx) {
        super(ctx);
    }

    /** A restore with the one it is compared with and the tables that drifted. */
    private record Compared(RestoreRow restore, RestoreRow previous, List<RowCountDrift.Table> drift) {}

    @Override
    int run() throws Exception {
        if ((file == null) == (category == null)) {
            throw new UsageException("history needs a FILE or --category C (one of them)");
        }
        Settings settings = common.settings(ctx); // notices go to stderr: stdout keeps one document
        ResultsQueries store = StoredResults.of(settings);
        String subject;
        List<VerificationRow> verifications;
        List<RestoreRow> restores;
        String cat = category;
        if (file != null) {
            Path abs = file.toAbsolutePath().normalize();
            subject = abs.toString();
            verifications = store.verificationsOf(subject, null);
            restores = store.restoresOfFile(subject);
            if (cat == null) {
                cat = !restores.isEmpty()
                        ? restores.get(0).category()
                        : !verifications.isEmpty() ? verifications.get(0).category() : null;
            }
        } else {
            if (!Category.ids().contains(category) && !store.categories().contains(category)) {
                throw new UsageException("--category: unknown category '" + category + "' (known: "
                        + String.join(", ", Category.ids()) + ")");
            }
            subject = category;
            verifications = store.verificationsOf(null, category);
            restores = null;
        }
        // each restore is compared with the previous restore test of its category (another backup, usually)
        List<RestoreRow> ofCategory = cat == null ? List.of() : store.restoresOfCategory(cat);
        if (restores == null) {
            restores = ofCategory;
        }
        List<Compared> compared = new ArrayList<>();
        for (RestoreRow r : restores) {
            RestoreRow previous = null;
            for (RestoreRow o : ofCategory) {
                if (o.testedAt() < r.testedAt()
                        && !"FAILED".equals(o.status())
                        && !"ERROR".equals(o.status())
                        && !o.tables().isEmpty()) {
                    previous = o;
                }
            }
            compared.add(new Compared(r, previous, previous == null ? List.of() : RowCountDrift.between(previous, r)));
        }
        boolean drifting = !compared.isEmpty()
                && !compared.get(compared.size() - 1).drift().isEmpty();
        int exit = drifting ? BackupVerifierCli.FAILED : BackupVerifierCli.OK;
        if (json()) {
            printJson(file != null ? "file" : "category", subject, cat, verifications, compared);
            return exit;
        }
        ZoneId zone = ctx.clock().getZone();
        ctx.out().println("History of " + subject + (file != null && cat != null ? " (" + cat + ")" : ""));
        if (verifications.isEmpty() && compared.isEmpty()) {
            ctx.out().println("[INFO] No verification or restore test recorded");
            return exit;
        }
        ctx.out().println("Verifications:" + (verifications.isEmpty() ? " none" : ""));
        for (VerificationRow v : verifications) {
            ctx.out()
                    .printf(
                            "  %s  %-7s %9s  %8s  %s%s%n",
                            Ages.local(v.verifiedAt(), zone),
                            v.status(),
                            Bytes.human(v.sizeBytes()),
                            Ages.millis(v.durationMs()),
                            file == null ? Path.of(v.file()).getFileName() : "",
                            v.failedChecks().isEmpty() ? "" : "  failed: " + String.join(", ", v.failedChecks()));
        }
        ctx.out().println("Restore tests:" + (compared.isEmpty() ? " none" : ""));
        for (Compared c : compared) {
            RestoreRow r = c.restore();
            ctx.out()
                    .printf(
                            "  %s  %-7s restore %s, checks %s, %s rows in %d tables  %s%n",
                            Ages.local(r.testedAt(), zone),
                            r.status(),
                            Ages.millis(r.restoreMs()),
                            Ages.millis(r.checksMs()),
                            r.rowsLoaded() == null ? "?" : String.format("%,d", r.rowsLoaded()),
                            r.tables().size(),
                            file == null ? Path.of(r.file()).getFileName() : "");
            for (RowCountDrift.Table t : c.drift()) {
                ctx.out()
                        .println("    [WARNING] row-count drift: " + t.describe() + " since the restore test of "
                                + Path.of(c.previous().file()).getFileName() + " at "
                                + Ages.local(c.previous().testedAt(), zone));
            }
        }
        return exit;
    }

    private void printJson(
            String kind, String subject, String cat, List<VerificationRow> verifications, List<Compared> compared) {
        ObjectNode root = JsonDocument.start(ctx);
        root.put(kind, subject);
        if (cat == null) {
            root.putNull("category");
        } else if (kind.equals("file")) {
            root.put("category", cat);
        }
        ArrayNode vs = root.putArray("verifications");
        for (VerificationRow v : verifications) {
            ObjectNode o = vs.addObject()
                    .put("file", v.file())
                    .put("category", v.category())
                    .put("status", v.status())
                    .put("verified_at", JsonDocument.time(v.verifiedAt()))
                    .put("size_bytes", v.sizeBytes())
                    .put("duration_ms", v.durationMs());
            ArrayNode f = o.putArray("failed_checks");
            v.failedChecks().forEach(f::add);
        }
        ArrayNode rs = root.putArray("restore_tests");
        for (Compared c : compared) {
            RestoreRow r = c.restore();
            ObjectNode o = rs.addObject()
                    .put("file", r.file())
                    .put("category", r.category())
                    .put("status", r.status())
                    .put("tested_at", JsonDocument.time(r.testedAt()))
                    .put("restore_ms", r.restoreMs())
                    .put("checks_ms", r.checksMs());
            if (r.rowsLoaded() == null) {
                o.putNull("rows_loaded");
            } else {
                o.put("rows_loaded", r.rowsLoaded());
            }
            ObjectNode tables = o.putObject("row_counts");
            r.tables().forEach(tables::put);
            if (c.previous() == null) {
                o.putNull("compared_with");
            } else {
                o.putObject("compared_with")
                        .put("file", c.previous().file())
                        .put("tested_at", JsonDocument.time(c.previous().testedAt()));
            }
            ArrayNode drift = o.putArray("row_count_drift");
            for (RowCountDrift.Table t : c.drift()) {
                ObjectNode d = drift.addObject().put("table", t.table()).put("previous_rows", t.previousRows());
                if (t.rows() < 0) {
                    d.putNull("rows");
                } else {
                    d.put("rows", t.rows());
                }
                d.put("change_percent", t.changePercent());
            }
        }
        JsonDocument.print(ctx, root);
    }
}
