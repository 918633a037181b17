package io.backupverifier.checks;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every check id of DESIGN.md section 5, in the order checks run and are reported, with what
 * to do when it fails and how the report lists it. The one place a check id is written.
 */
public enum CheckId {
    SIZE("size", Kind.FILE, "Check disk space, verify backup logs", "size: file size between the minimum and maximum"),
    METADATA(
            "metadata",
            Kind.FILE,
            "Check metadata files, re-run backup",
            "metadata: sidecar present, valid JSON, required fields, valid timestamp"),
    CHECKSUM(
            "checksum",
            Kind.FILE,
            "Verify backup file integrity, check storage",
            "checksum: SHA-256 of the file equals the sidecar's"),
    GZIP_INTEGRITY(
            "gzip_integrity",
            Kind.FILE,
            "Re-run backup, check disk space and I/O",
            "gzip_integrity: every gzip member inflates, CRC32 and ISIZE match"),
    EXTRACTABLE(
            "extractable",
            Kind.FILE,
            "Check gzip integrity, re-run backup",
            "extractable: the content reads to its end"),
    FORMAT(
            "format",
            Kind.FILE,
            "Check that the backup job writes pg_dump output to this file",
            "format: the content is a known kind of backup"),
    DUMP_COMPLETE(
            "dump_complete",
            Kind.FILE,
            "The dump died half-way: check the backup job's log and disk space, re-run backup",
            "dump_complete: a plain pg_dump ends with its completion trailer"),
    SIZE_ANOMALY(
            "size_anomaly",
            Kind.HISTORY,
            "Compare with the previous backups: a sudden change in size often means missing data",
            "size_anomaly: the size is close to the median of the previous backups"),
    FRESHNESS(
            "freshness",
            Kind.CATEGORY,
            "The backup job has stopped: check its schedule (cron or service) and its logs",
            "freshness, retention: each category has a recent backup and enough of them"),
    RETENTION(
            "retention",
            Kind.CATEGORY,
            "Keep 7 daily, 4 weekly and 12 monthly backups: check the rotation settings",
            null),
    RESTORE(
            "restore",
            Kind.RESTORE,
            "Check restore logs, verify backup content",
            "restore tests (weekly): restore, table count, key tables, REINDEX, ANALYZE, foreign keys, consistency, amcheck"),
    TABLE_COUNT("table_count", Kind.RESTORE, "Check restore logs, verify backup content", null),
    KEY_TABLES("key_tables", Kind.RESTORE, "Check restore logs, verify backup content", null),
    REINDEX("reindex", Kind.RESTORE, "Check restore logs, verify backup content", null),
    ANALYZE("analyze", Kind.RESTORE, "Check restore logs, verify backup content", null),
    REFERENTIAL_INTEGRITY("referential_integrity", Kind.RESTORE, "Review restore logs, check backup content", null),
    CONSISTENCY("consistency", Kind.RESTORE, "Check data integrity in source database", null),
    AMCHECK("amcheck", Kind.RESTORE, "Check the source database's indexes with amcheck, re-run backup", null);

    /** What a check looks at: one backup's file, one backup among its category, a category, a restored copy. */
    public enum Kind {
        FILE,
        HISTORY,
        CATEGORY,
        RESTORE
    }

    private static final Map<String, CheckId> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(CheckId::id, Function.identity()));

    private final String id;
    private final Kind kind;
    private final String advice;
    private final String reportText;

    CheckId(String id, Kind kind, String advice, String reportText) {
        this.id = id;
        this.kind = kind;
        this.advice = advice;
        this.reportText = reportText;
    }

    /** The id as DESIGN.md names it: in output, JSON, the results store. */
    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    /** What to do when this check fails. */
    public String advice() {
        return advice;
    }

    /** The ids of one kind, in the order they run. */
    public static List<String> ids(Kind kind) {
        return Arrays.stream(values())
                .filter(c -> c.kind == kind)
                .map(CheckId::id)
                .toList();
    }

    /** The registered check with this id, if it is one (live-database checks are not). */
    public static CheckId of(String id) {
        return BY_ID.get(id);
    }

    /** The report's "checks performed" list: one line per check, or per group of checks reported together. */
    public static List<String> reportList() {
        return Arrays.stream(values())
                .map(c -> c.reportText)
                .filter(t -> t != null)
                .toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
