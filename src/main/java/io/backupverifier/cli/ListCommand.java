package io.backupverifier.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.config.Settings;
import io.backupverifier.scan.Bytes;
import io.backupverifier.store.ResultsQueries;
import io.backupverifier.store.ResultsQueries.RestoreRow;
import io.backupverifier.store.ResultsQueries.VerificationRow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code list}: every backup with its latest verification and restore test, newest first (pgBackRest's info, Barman's list-backups). */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "Every backup, newest first: category, created_at, age, size, the latest verification and restore test "
                    + "(status, when, restored rows), and a mark on a size far from its category's median. Reads the backup "
                    + "directory and the results store; runs no check."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:listed (also when there are no backups)",
            "1:the results store cannot be read",
            "2:usage or configuration error"
        })
final class ListCommand extends OperatorCommand {

    @Option(names = "--category", paramLabel = "C", description = "Only this category (daily, weekly, monthly).")
    String category;

    ListCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    int run() throws Exception {
        Settings settings = common.settings(ctx); // notices go to stderr: stdout keeps one document
        settings.requireReadableBackupDir();
        BackupCatalog catalog = BackupCatalog.of(settings);
        List<BackupCatalog.Entry> all = catalog.entries();
        ResultsQueries store = StoredResults.of(settings);
        Map<Path, VerificationRow> verified = byPath(store.latestVerifications());
        Map<Path, RestoreRow> restored = byPath(store.latestRestores());
        Set<Path> broken = verified.entrySet().stream()
                .filter(e -> isProblem(e.getValue().status()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        Map<Path, String> marks = SizeMarks.of(
                all, settings.count("history.size-backups"), settings.fraction("history.size-ratio"), broken);
        List<BackupCatalog.Entry> shown = all.stream()
                .filter(e -> category == null || e.category().equals(category))
                .sorted(Comparator.comparing(BackupCatalog.Entry::time)
                        .thenComparing(BackupCatalog.Entry::file)
                        .reversed())
                .toList();
        Instant now = Instant.now(ctx.clock());
        if (json()) {
            ObjectNode root = JsonDocument.start(ctx);
            root.put("backup_dir", catalog.backupDir().toString());
            ArrayNode backups = root.putArray("backups");
            for (BackupCatalog.Entry e : shown) {
                ObjectNode b = backups.addObject();
                b.put("file", e.file().toString());
                b.put("category", e.category());
                b.put("created_at", e.time().toString());
                b.put("age_seconds", Math.max(0, Duration.between(e.time(), now).toSeconds()));
                b.put("size_bytes", e.size());
                VerificationRow v = verified.get(key(e.file()));
                if (v == null) {
                    b.putNull("last_verification");
                } else {
                    b.putObject("last_verification")
                            .put("status", v.status())
                            .put("verified_at", JsonDocument.time(v.verifiedAt()))
                            .set("failed_checks", failed(b, v.failedChecks()));
                }
                RestoreRow r = restored.get(key(e.file()));
                if (r == null) {
                    b.putNull("last_restore_test");
                } else {
                    ObjectNode rt = b.putObject("last_restore_test")
                            .put("status", r.status())
                            .put("tested_at", JsonDocument.time(r.testedAt()));
                    if (r.rowsLoaded() == null) {
                        rt.putNull("rows_loaded");
                    } else {
                        rt.put("rows_loaded", r.rowsLoaded());
                    }
                    rt.put("restore_ms", r.restoreMs());
                }
                String mark = marks.get(e.file());
                if (mark == null) {
                    b.putNull("size_anomaly");
                } else {
                    b.put("size_anomaly", mark);
                }
            }
            root.putObject("summary").put("total", shown.size());
            JsonDocument.print(ctx, root);
            return BackupVerifierCli.OK;
        }
        if (shown.isEmpty()) {
            ctx.out()
                    .println("[INFO] No " + (category == null ? "" : category + " ") + "backups in "
                            + catalog.backupDir());
            return BackupVerifierCli.OK;
        }
        ZoneId zone = ctx.clock().getZone();
        String format = "%-8s %-16s %-8s %9s  %-24s %-38s %s%n";
        ctx.out().printf(format, "CATEGORY", "CREATED", "AGE", "SIZE", "VERIFIED", "RESTORE TEST", "BACKUP");
        for (BackupCatalog.Entry e : shown) {
            VerificationRow v = verified.get(key(e.file()));
            RestoreRow r = restored.get(key(e.file()));
            String verification = v == null ? "never" : v.status() + " " + Ages.local(v.verifiedAt(), zone);
            String restore = r == null
                    ? "never"
                    : r.status() + " " + Ages.local(r.testedAt(), zone)
                            + (r.rowsLoaded() == null ? "" : String.format(" %,d rows", r.rowsLoaded()));
            String mark = marks.get(e.file());
            Path rel = catalog.backupDir().relativize(e.file().toAbsolutePath().normalize());
            ctx.out()
                    .printf(
                            format,
                            e.category(),
                            Ages.local(e.time(), zone),
                            Ages.age(Duration.between(e.time(), now)),
                            Bytes.human(e.size()),
                            verification,
                            restore,
                            rel + (mark == null ? "" : "  ! " + mark));
        }
        return BackupVerifierCli.OK;
    }

    private static ArrayNode failed(ObjectNode owner, List<String> checks) {
        ArrayNode a = owner.arrayNode();
        checks.forEach(a::add);
        return a;
    }

    private static boolean isProblem(String status) {
        return "FAILED".equals(status) || "ERROR".equals(status);
    }

    static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    static <T> Map<Path, T> byPath(Map<String, T> stored) {
        Map<Path, T> out = new HashMap<>();
        stored.forEach((file, row) -> out.put(key(Path.of(file)), row));
        return out;
    }
}
