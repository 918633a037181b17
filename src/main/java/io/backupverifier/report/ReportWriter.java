package io.backupverifier.report;

import io.backupverifier.alert.AlertMail;
import io.backupverifier.history.CategoryChecks;
import io.backupverifier.store.ResultsQueries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code verification_report_YYYYMMDD_HHMMSS.{txt,html,json}} into the log directory
 * and returns their paths and the report as a mail for ADMIN_EMAIL.
 */
public final class ReportWriter {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private final Path logDir;
    private final Path backupDir;
    private final CategoryChecks categories;
    private final ResultsQueries store;
    private final Clock clock;

    public ReportWriter(Path logDir, Path backupDir, CategoryChecks categories, ResultsQueries store, Clock clock) {
        this.logDir = logDir;
        this.backupDir = backupDir;
        this.categories = categories;
        this.store = store;
        this.clock = clock;
    }

    /** The report over these rows; freshness and retention from the same backups (no second walk of the directory). */
    public Report report(ReportTable table) {
        ReportTable rows = table == null ? new ReportTable(List.of()) : table;
        return new Report(
                clock.instant(),
                backupDir.toAbsolutePath().normalize(),
                rows,
                categories.forTotals(rows.totals()),
                perDay(rows));
    }

    /** How long the verifications per day of one table serve: the 14-day window moves on with the clock. */
    private static final long PER_DAY_FOR_MS = 60_000;

    /** Verifications per day over the last 14 days: asked again when the results changed (a new table) or a minute on. */
    private Map<String, long[]> perDay(ReportTable rows) {
        long now = clock.millis();
        PerDay p = rows.once("per-day", PerDay::new);
        synchronized (p) {
            if (p.days == null || now - p.askedAt >= PER_DAY_FOR_MS || now < p.askedAt) {
                p.days = store.verificationsPerDay(now - Duration.ofDays(14).toMillis());
                p.askedAt = now;
            }
            return p.days;
        }
    }

    private static final class PerDay {
        Map<String, long[]> days;
        long askedAt;
    }

    /**
     * The status page: the report as HTML, written nowhere, with one page of the backups
     * ({@code ?limit=&offset=}, the newest {@value ReportPage#DEFAULT_LIMIT} when not given).
     */
    public String html(ReportTable rows, String limit, String offset) {
        ReportPage page = ReportPage.of(limit, offset); // a bad page is refused before anything is asked
        return HtmlReport.render(report(rows), clock.getZone(), page);
    }

    /** /api/backups: the report as JSON, written nowhere; with {@code ?limit=&offset=} one page of the backups. */
    public String json(ReportTable rows, String limit, String offset) {
        ReportPage page = ReportPage.orAll(limit, offset);
        return JsonReport.render(report(rows), page);
    }

    /** /api/backups asked for a page that cannot be (a bad limit or offset): the error document. */
    public String jsonError(String message) {
        return JsonReport.error(clock.instant(), message);
    }

    /**
     * The report route's last step: the three files, each written to a temporary name and
     * renamed, so a report that could not be written leaves no part of itself behind.
     */
    public WrittenReport write(ReportTable rows) {
        Report report = report(rows);
        String base = "verification_report_" + LocalDateTime.now(clock).format(STAMP);
        String text = TextReport.render(report, clock.getZone());
        String html = HtmlReport.render(report, clock.getZone());
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(logDir.resolve(base + ".txt"), text);
        files.put(logDir.resolve(base + ".html"), html);
        files.put(logDir.resolve(base + ".json"), JsonReport.render(report));
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(logDir);
            for (Map.Entry<Path, String> f : files.entrySet()) {
                Path tmp = f.getKey().resolveSibling("." + f.getKey().getFileName() + ".tmp");
                try {
                    Files.writeString(tmp, f.getValue(), StandardCharsets.UTF_8);
                    Files.move(tmp, f.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                written.add(f.getKey().toAbsolutePath());
            }
        } catch (IOException e) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the error below is what the reader needs
                }
            }
            throw new ReportNotWrittenException(
                    "Cannot write the report into " + logDir.toAbsolutePath() + ": " + describe(e), e);
        }
        String subject =
                "[backup-verifier] Report: " + report.verified() + " of " + report.total() + " backups verified"
                        + (report.failed() > 0 ? ", " + report.failed() + " FAILED" : "")
                        + (report.errors() > 0 ? " (" + report.errors() + " could not be checked)" : "");
        return new WrittenReport(List.copyOf(written), new AlertMail(subject, text, html));
    }

    /** java.nio's exceptions carry only the path: say what went wrong. */
    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + " (" + fs.getFile() + ")";
        }
        return e.getMessage();
    }
}
