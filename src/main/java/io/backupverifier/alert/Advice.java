package io.backupverifier.alert;

import java.util.Map;

/** What to do when a check fails: the seed's "Action" advice, per check id. */
public final class Advice {

    private static final Map<String, String> ACTIONS = Map.ofEntries(
            Map.entry("size", "Check disk space, verify backup logs"),
            Map.entry("metadata", "Check metadata files, re-run backup"),
            Map.entry("checksum", "Verify backup file integrity, check storage"),
            Map.entry("gzip_integrity", "Re-run backup, check disk space and I/O"),
            Map.entry("extractable", "Check gzip integrity, re-run backup"),
            Map.entry("format", "Check that the backup job writes pg_dump output to this file"),
            Map.entry("dump_complete", "The dump died half-way: check the backup job's log and disk space, re-run backup"),
            Map.entry("restore", "Check restore logs, verify backup content"),
            Map.entry("table_count", "Check restore logs, verify backup content"),
            Map.entry("key_tables", "Check restore logs, verify backup content"),
            Map.entry("reindex", "Check restore logs, verify backup content"),
            Map.entry("analyze", "Check restore logs, verify backup content"),
            Map.entry("referential_integrity", "Review restore logs, check backup content"),
            Map.entry("consistency", "Check data integrity in source database"),
            Map.entry("amcheck", "Check the source database's indexes with amcheck, re-run backup"),
            Map.entry("size_anomaly", "Compare with the previous backups: a sudden change in size often means missing data"),
            Map.entry("freshness", "The backup job has stopped: check its schedule (cron or service) and its logs"),
            Map.entry("retention", "Keep 7 daily, 4 weekly and 12 monthly backups: check the rotation settings"));

    private Advice() {
    }

    /** For a check that could not run (ERROR): the environment, not the backup, needs a look. */
    public static String forError() {
        return "The check could not run: fix the cause named in the message (permissions, test server, disk space), "
                + "then verify again; the backup itself may be fine";
    }

    public static String forCheck(String checkId) {
        return ACTIONS.getOrDefault(checkId, "Check the verification logs");
    }
}
