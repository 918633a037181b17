package io.backupverifier.report;

import io.backupverifier.history.CategoryResult;
import io.backupverifier.scan.Bytes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no scripts, nothing
 * fetched) so it can be mailed: the summary first, then two charts — verifications passed
 * and failed per day, backup size over time per category — then every backup.
 */
public final class HtmlReport {

    private static final String[] COLORS = {"#2563eb", "#9333ea", "#ea580c"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm");

    /** At most this many dates under the size chart: each label is ~70 px wide, the plot 630 px. */
    static final int MAX_DATE_LABELS = 5;

    private HtmlReport() {}

    public static String render(Report r, ZoneId zone) {
        return render(r, zone, ReportPage.ALL);
    }

    /** The report with one page of its backups (the status page); the summary and the charts show them all. */
    public static String render(Report r, ZoneId zone, ReportPage page) {
        StringBuilder h = new StringBuilder();
        h.append(
                        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>Backup verification report</title>\n<style>")
                .append(
                        "body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2937;margin:24px;max-width:1100px}")
                .append(
                        "h1{font-size:22px;margin:0 0 4px}ul{font-size:14px;line-height:1.5}h2{font-size:16px;margin:28px 0 8px}.muted{color:#6b7280;font-size:13px}")
                .append(
                        ".cards{display:flex;gap:12px;margin-top:16px}.card{border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;min-width:140px}")
                .append(
                        ".card b{display:block;font-size:26px}.ok{color:#15803d}.bad{color:#b91c1c}.warn{color:#b45309}")
                .append(
                        "table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e5e7eb;padding:5px 8px;text-align:left}")
                .append(
                        "th{background:#f9fafb}.backups td:nth-child(-n+5){white-space:nowrap}.PASSED{color:#15803d;font-weight:600}.FAILED,.ERROR{color:#b91c1c;font-weight:700}")
                .append(
                        ".WARNING{color:#b45309;font-weight:600}.SKIPPED,.NOT{color:#6b7280}svg{background:#fff;border:1px solid #e5e7eb;border-radius:8px}")
                .append("</style></head><body>\n");
        String verdict = r.failed() + r.errors() > 0 || r.history().stream().anyMatch(c -> c.isFailed()) ? "bad" : "ok";
        h.append("<h1>Backup verification report</h1>\n<div class=\"muted\">Generated ")
                .append(esc(TextReport.time(r.generated(), zone)))
                .append(" &#183; ")
                .append(esc(r.backupDir().toString()))
                .append("</div>\n");
        h.append("<div class=\"cards\">")
                .append(card("Total backups", Long.toString(r.total()), ""))
                .append(card("Verified", Long.toString(r.verified()), "ok"))
                .append(card("Failed", Long.toString(r.failed()), r.failed() > 0 ? "bad" : "ok"))
                .append(card("Errors", Long.toString(r.errors()), r.errors() > 0 ? "bad" : "ok"))
                .append(card(
                        "Pass rate",
                        r.total() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * r.verified() / r.total()),
                        verdict))
                .append("</div>\n");
        h.append(
                "<h2>Categories</h2>\n<table><tr><th>category</th><th>backups</th><th>check</th><th>status</th><th>message</th></tr>\n");
        for (CategoryResult c : r.history()) {
            long n = r.table().backupsIn(c.category());
            c.checks()
                    .forEach((id, res) -> h.append("<tr><td>")
                            .append(esc(c.category()))
                            .append("</td><td>")
                            .append(n)
                            .append("</td><td>")
                            .append(id)
                            .append("</td><td class=\"")
                            .append(res.status())
                            .append("\">")
                            .append(res.status())
                            .append("</td><td>")
                            .append(esc(res.message()))
                            .append("</td></tr>\n"));
        }
        h.append("</table>\n<h2>Verifications per day (last 14 days)</h2>\n").append(perDayChart(r.perDay()));
        // every backup's point: drawn once for these rows, not on every request of the status page
        h.append("<h2>Backup size over time</h2>\n")
                .append(r.table().once("size-chart " + zone, () -> sizeChart(r, zone)));
        h.append("<h2>Backups</h2>\n");
        List<ReportRow> shown = page.rowsOf(r.table());
        if (!page.all()) {
            h.append(pageLinks(page, shown.size(), r.total()));
        }
        h.append("<table class=\"backups\"><tr><th>status</th><th>category</th><th>size</th><th>last verified</th>")
                .append("<th>last successful restore test</th><th>file</th></tr>\n");
        for (ReportRow row : shown) {
            h.append("<tr><td class=\"")
                    .append(row.status().split(" ")[0])
                    .append("\">")
                    .append(esc(row.status()))
                    .append("</td><td>")
                    .append(esc(row.category()))
                    .append("</td><td>")
                    .append(Bytes.human(row.sizeBytes()))
                    .append("</td><td>")
                    .append(TextReport.time(row.lastVerified(), zone))
                    .append("</td><td>")
                    .append(TextReport.time(row.lastRestoreTest(), zone))
                    .append("</td><td>")
                    .append(esc(row.file().getFileName().toString()))
                    .append(
                            row.problemChecks().isEmpty()
                                    ? ""
                                    : " <span class=\"FAILED\">(" + esc(String.join(", ", row.problemChecks()))
                                            + ")</span>")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Recommendations</h2>\n<ul>\n");
        r.recommendations().forEach(x -> h.append("<li>").append(esc(x)).append("</li>\n"));
        h.append("</ul>\n<h2>Checks performed</h2>\n<ul class=\"muted\">\n");
        Report.CHECKS_PERFORMED.forEach(x -> h.append("<li>").append(esc(x)).append("</li>\n"));
        h.append("</ul>\n</body></html>\n");
        return h.toString();
    }

    /** "Backups 1-100 of 20000, newest first", with links to the newer and older pages. */
    static String pageLinks(ReportPage page, int shown, long total) {
        StringBuilder s = new StringBuilder("<p class=\"muted\">");
        s.append(shown == 0 ? "No backups" : "Backups " + (page.offset() + 1) + "&#8211;" + (page.offset() + shown))
                .append(" of ")
                .append(total)
                .append(", newest first");
        if (page.offset() > 0) {
            s.append(" &#183; <a href=\"?limit=")
                    .append(page.limit())
                    .append("&amp;offset=")
                    .append(Math.max(0, page.offset() - page.limit()))
                    .append("\">newer</a>");
        }
        if (page.offset() + shown < total) {
            s.append(" &#183; <a href=\"?limit=")
                    .append(page.limit())
                    .append("&amp;offset=")
                    .append(page.offset() + shown)
                    .append("\">older</a>");
        }
        return s.append("</p>\n").toString();
    }

    private static String card(String label, String value, String cls) {
        return "<div class=\"card\"><span class=\"muted\">" + esc(label) + "</span><b class=\"" + cls + "\">"
                + esc(value) + "</b></div>";
    }

    /** Stacked bars: passed (green) and failed (red) verifications per day. */
    static String perDayChart(Map<String, long[]> perDay) {
        int w = 720;
        int hgt = 180;
        int left = 40;
        int bottom = 30;
        StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\""
                + hgt + "\" role=\"img\" aria-label=\"verifications per day\">\n");
        if (perDay.isEmpty()) {
            return s.append(
                            "<text x=\"20\" y=\"90\" fill=\"#6b7280\">No verifications recorded in the last 14 days</text></svg>\n")
                    .toString();
        }
        long max = perDay.values().stream().mapToLong(v -> v[0] + v[1]).max().orElse(1);
        int n = Math.max(perDay.size(), 14);
        int top = 26;
        double slot = (w - left - 10) / (double) n;
        double scale = (hgt - bottom - top) / (double) Math.max(1, max);
        int i = n - perDay.size(); // the days with data sit at the right, as the latest days
        s.append(line(left, hgt - bottom, w - 10, hgt - bottom))
                .append(text(4, top + 4, Long.toString(max), "#6b7280"));
        for (Map.Entry<String, long[]> e : perDay.entrySet()) {
            double x = left + i * slot + slot * 0.15;
            double bw = slot * 0.7;
            double passH = e.getValue()[0] * scale;
            double failH = e.getValue()[1] * scale;
            double base = hgt - bottom;
            s.append(rect(x, base - passH, bw, passH, "#16a34a"))
                    .append(rect(x, base - passH - failH, bw, failH, "#dc2626"));
            s.append(text(x, hgt - 12, e.getKey().substring(5), "#374151"));
            i++;
        }
        return s.append(rect(w - 170, 8, 10, 10, "#16a34a"))
                .append(text(w - 156, 17, "passed", "#374151"))
                .append(rect(w - 100, 8, 10, 10, "#dc2626"))
                .append(text(w - 86, 17, "failed", "#374151"))
                .append("</svg>\n")
                .toString();
    }

    /**
     * The size chart's x-axis labels: the first and the last backup's time and evenly spaced
     * times between them, as many as fit without overlapping; day precision when they are a day
     * or more apart, else with the time of day (one backup: its date and time). Time (epoch ms) -> label, in order.
     */
    static Map<Long, String> dateLabels(long minT, long maxT, ZoneId zone) {
        Map<Long, String> out = new LinkedHashMap<>();
        if (maxT <= minT) {
            out.put(minT, FULL.format(Instant.ofEpochMilli(minT).atZone(zone)));
            return out;
        }
        int n = MAX_DATE_LABELS;
        while (n > 2 && (maxT - minT) / (n - 1) < Duration.ofHours(1).toMillis()) {
            n--; // minutes apart would repeat the same label
        }
        boolean days = (maxT - minT) / (n - 1) >= Duration.ofDays(1).toMillis();
        DateTimeFormatter f = days ? DAY : DAY_TIME;
        for (int i = 0; i < n; i++) {
            long t = i == n - 1 ? maxT : minT + (maxT - minT) / (n - 1) * i;
            String label = f.format(Instant.ofEpochMilli(t).atZone(zone));
            if (!out.containsValue(label)) {
                out.put(t, label);
            }
        }
        return out;
    }

    /** One line per category: each backup's size at its time, the dates under the x-axis. */
    static String sizeChart(Report r, ZoneId zone) {
        int w = 720;
        int hgt = 200;
        int left = 70;
        int bottom = 30;
        StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\""
                + hgt + "\" role=\"img\" aria-label=\"backup size over time\">\n");
        if (r.rows().isEmpty()) {
            return s.append("<text x=\"20\" y=\"100\" fill=\"#6b7280\">No backups</text></svg>\n")
                    .toString();
        }
        long minT = r.rows().stream()
                .mapToLong(x -> x.backupTime().toEpochMilli())
                .min()
                .orElse(0);
        long maxT = r.rows().stream()
                .mapToLong(x -> x.backupTime().toEpochMilli())
                .max()
                .orElse(1);
        long maxS = r.rows().stream().mapToLong(ReportRow::sizeBytes).max().orElse(1);
        double sx = (w - left - 20) / (double) Math.max(1, maxT - minT);
        int top = 34; // above the plot: the legend, so it never hides a backup's point
        double sy = (hgt - bottom - top) / (double) Math.max(1, maxS);
        s.append(line(left, hgt - bottom, w - 10, hgt - bottom))
                .append(line(left, top - 6, left, hgt - bottom))
                .append(text(4, top + 4, Bytes.human(maxS), "#6b7280"))
                .append(text(4, hgt - bottom, "0", "#6b7280"));
        for (Map.Entry<Long, String> d : dateLabels(minT, maxT, zone).entrySet()) {
            double x = left + (d.getKey() - minT) * sx;
            // the first label starts at the axis, the last ends at the right edge: none is cut off
            String anchor = d.getKey() == minT ? "start" : d.getKey() == maxT ? "end" : "middle";
            s.append(line(x, hgt - bottom, x, hgt - bottom + 4))
                    .append(String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#374151\" text-anchor=\"%s\">%s</text>%n",
                            x,
                            hgt - 12,
                            anchor,
                            esc(d.getValue())));
        }
        List<String> categories = new ArrayList<>(
                r.rows().stream().map(ReportRow::category).distinct().sorted().toList());
        for (int c = 0; c < categories.size(); c++) {
            String color = COLORS[c % COLORS.length];
            String cat = categories.get(c);
            StringBuilder points = new StringBuilder();
            List<ReportRow> mine = r.rows().stream()
                    .filter(x -> x.category().equals(cat))
                    .sorted((a, b) -> a.backupTime().compareTo(b.backupTime()))
                    .toList();
            for (ReportRow row : mine) {
                double x = left + (row.backupTime().toEpochMilli() - minT) * sx;
                double y = hgt - bottom - row.sizeBytes() * sy;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        x,
                        y,
                        row.failed() ? "#dc2626" : color));
            }
            s.append("<polyline fill=\"none\" stroke=\"")
                    .append(color)
                    .append("\" stroke-width=\"2\" points=\"")
                    .append(points.toString().strip())
                    .append("\"/>\n");
            double lx = w - 90.0 * (categories.size() - c);
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"13\" r=\"4\" fill=\"%s\"/>%n", lx, color))
                    .append(text(lx + 8, 17, cat, "#374151"));
        }
        return s.append("</svg>\n").toString();
    }

    private static String rect(double x, double y, double w, double h, String fill) {
        return String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x,
                y,
                w,
                h,
                fill);
    }

    private static String line(double x1, double y1, double x2, double y2) {
        return String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9ca3af\"/>%n",
                x1,
                y1,
                x2,
                y2);
    }

    private static String text(double x, double y, String t, String fill) {
        return String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">%s</text>%n",
                x,
                y,
                fill,
                esc(t));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
