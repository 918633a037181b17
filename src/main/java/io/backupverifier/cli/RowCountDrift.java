package io.backupverifier.cli;

import io.backupverifier.store.ResultsQueries.RestoreRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Row-count drift (DESIGN.md section 7): a table of a restore that has less than half the rows
 * it had in the previous restore of the category, or is gone. A backup that restores cleanly
 * but lost half a table is what no file check sees.
 */
final class RowCountDrift {

    /** One table that drifted; {@code rows} is -1 when the table is gone. */
    record Table(String table, long previousRows, long rows) {

        int changePercent() {
            return rows < 0 ? -100 : (int) Math.round((rows - previousRows) * 100.0 / previousRows);
        }

        String describe() {
            return rows < 0
                    ? table + " is gone (had " + String.format("%,d", previousRows) + " rows)"
                    : table + " " + String.format("%,d -> %,d rows (%d%%)", previousRows, rows, changePercent());
        }
    }

    static final double LOST_SHARE = 0.5;

    private RowCountDrift() {}

    /** The tables of {@code current} that lost at least half their rows since {@code previous}. */
    static List<Table> between(RestoreRow previous, RestoreRow current) {
        List<Table> out = new ArrayList<>();
        if (current.tables().isEmpty()) {
            return out; // a restore that loaded nothing has its own FAILED verdict
        }
        for (Map.Entry<String, Long> e : previous.tables().entrySet()) {
            long before = e.getValue();
            Long now = current.tables().get(e.getKey());
            if (before <= 0) {
                continue;
            }
            if (now == null) {
                out.add(new Table(e.getKey(), before, -1));
            } else if (now <= before * LOST_SHARE) {
                out.add(new Table(e.getKey(), before, now));
            }
        }
        return out;
    }
}
