package io.backupverifier.report;

import io.backupverifier.alert.AlertMail;
import io.backupverifier.history.CategoryChecks;
import io.backupverifier.store.ResultsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes {@code verification_report_YYYYMMDD_HHMMSS.{txt,html,json}} into the log directory
 * and returns the HTML report as a mail for ADMIN_EMAIL.
 */
public final class ReportWriter {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private final Path logDir;
    private final Path backupDir;
    private final CategoryChecks categories;
    private final ResultsStore store;
    private final Clock clock;

    public ReportWriter(Path logDir, Path backupDir, CategoryChecks categories, ResultsStore store, Clock clock) {
        this.logDir = logDir;
        this.backupDir = backupDir;
        this.categories = categories;
        this.store = store;
        this.clock = clock;
    }

    public Report report(List<ReportRow> rows) {
        return new Report(clock.instant(), backupDir.toAbsolutePath().normalize(), rows == null ? List.of() : rows,
                categories.evaluate(), store.verificationsPerDay(clock.millis() - Duration.ofDays(14).toMillis()));
    }

    /** The status page: the report as HTML, written nowhere. */
    public String html(List<ReportRow> rows) {
        return HtmlReport.render(report(rows), clock.getZone());
    }

    /** /api/backups: the report as JSON, written nowhere. */
    public String json(List<ReportRow> rows) {
        return JsonReport.render(report(rows));
    }

    /** The report route's last step: the three files; the body becomes the mail for the admin. */
    public AlertMail write(List<ReportRow> rows) {
        Report report = report(rows);
        String base = "verification_report_" + LocalDateTime.now(clock).format(STAMP);
        String html = HtmlReport.render(report, clock.getZone());
        try {
            Files.createDirectories(logDir);
            Files.writeString(logDir.resolve(base + ".txt"), TextReport.render(report, clock.getZone()), StandardCharsets.UTF_8);
            Files.writeString(logDir.resolve(base + ".html"), html, StandardCharsets.UTF_8);
            Files.writeString(logDir.resolve(base + ".json"), JsonReport.render(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the report into " + logDir + ": " + e.getMessage(), e);
        }
        String subject = "[backup-verifier] Report: " + report.verified() + " of " + report.total() + " backups verified"
                + (report.failed() > 0 ? ", " + report.failed() + " FAILED" : "");
        return new AlertMail(subject, TextReport.render(report, clock.getZone()), html);
    }

    public Path lastReport(String extension) throws IOException {
        try (var files = Files.list(logDir)) {
            return files.filter(p -> p.getFileName().toString().matches("verification_report_.*\\." + extension)).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }
}
