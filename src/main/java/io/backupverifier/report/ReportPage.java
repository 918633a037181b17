package io.backupverifier.report;

import java.util.List;

/**
 * Which backups a page of the status page or {@code /api/backups} shows ({@code ?limit=&offset=}):
 * {@code limit} backups from {@code offset}, newest backup first; the summary, the categories and
 * the charts still count every backup. {@link #ALL} is every backup in the report's order
 * (category, then newest first), as the written report and {@code /api/backups} without
 * parameters show them.
 */
public record ReportPage(int offset, int limit) {

    /** Every backup, unpaged. */
    public static final ReportPage ALL = new ReportPage(0, 0);
    /** A page's backups when the request does not say. */
    public static final int DEFAULT_LIMIT = 100;
    /** The most backups one page shows. */
    public static final int MAX_LIMIT = 10_000;

    /**
     * The page a request asks for; {@code null} parameters take their defaults (offset 0, limit
     * {@value #DEFAULT_LIMIT}).
     *
     * @throws IllegalArgumentException naming the parameter, for a value that is not a whole number in range
     */
    public static ReportPage of(String limit, String offset) {
        return new ReportPage(
                number("offset", offset, 0, 0, Integer.MAX_VALUE), number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    /** As {@link #of}, but with neither parameter given, every backup unpaged (/api/backups as before paging). */
    public static ReportPage orAll(String limit, String offset) {
        return limit == null && offset == null ? ALL : of(limit, offset);
    }

    private static int number(String name, String value, int none, int min, int max) {
        if (value == null || value.isBlank()) {
            return none;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", not '"
                + LogLine.printable(value) + "'");
    }

    public boolean all() {
        return limit == 0;
    }

    /** This page's backups out of all of them: a slice of the table's newest-first order (all: the report's order). */
    public List<ReportRow> rowsOf(ReportTable table) {
        if (all()) {
            return table.rows();
        }
        List<ReportRow> newest = table.newestFirst();
        int from = Math.min(offset, newest.size());
        return newest.subList(from, (int) Math.min((long) from + limit, newest.size()));
    }
}
