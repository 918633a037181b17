package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The size chart's x-axis carries the backups' dates, readable and not overlapping. */
class SizeChartDatesTest {

    private static final Pattern LABEL =
            Pattern.compile("<text x=\"([0-9.]+)\" y=\"188\"[^>]*text-anchor=\"(\\w+)\">([^<]+)</text>");

    private static Report report(Instant first, Duration apart, int n) {
        List<ReportRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant t = first.plus(apart.multipliedBy(i));
            rows.add(new ReportRow(
                    Path.of("/backups/daily/b" + i + ".gz"),
                    i % 3 == 0 ? "weekly" : "daily",
                    1000 + i,
                    t,
                    "PASSED",
                    t,
                    List.of(),
                    null));
        }
        return new Report(first, Path.of("/backups"), rows, List.of(), Map.of());
    }

    private record Label(double x, String anchor, String text) {}

    private static List<Label> labels(String svg) {
        List<Label> out = new ArrayList<>();
        Matcher m = LABEL.matcher(svg);
        while (m.find()) {
            out.add(new Label(Double.parseDouble(m.group(1)), m.group(2), m.group(3)));
        }
        return out;
    }

    @Test
    void thirtyDailyBackupsGetTheFirstAndLastDateAndThreeBetweenSpacedApart() {
        String svg = HtmlReport.sizeChart(
                report(Instant.parse("2025-11-28T02:00:00Z"), Duration.ofDays(1), 30), ZoneOffset.UTC);
        List<Label> labels = labels(svg);
        assertThat(labels)
                .extracting(Label::text)
                .containsExactly("2025-11-28", "2025-12-05", "2025-12-12", "2025-12-19", "2025-12-27");
        assertThat(labels.get(0).anchor()).isEqualTo("start");
        assertThat(labels.get(4).anchor()).isEqualTo("end");
        for (int i = 1; i < labels.size(); i++) {
            // a 10-character date at 11 px is about 60 px wide
            assertThat(labels.get(i).x() - labels.get(i - 1).x())
                    .as("space between labels")
                    .isGreaterThan(100);
        }
        assertThat(labels.get(4).x()).isLessThanOrEqualTo(720); // the last one ends inside the chart
        // the legend sits above the plot (which starts at y=34), where no backup's point can be
        assertThat(svg)
                .contains("y=\"17.0\" font-size=\"11\" fill=\"#374151\">daily</text>")
                .contains("y=\"17.0\" font-size=\"11\" fill=\"#374151\">weekly</text>");
    }

    @Test
    void backupsHoursApartAreLabelledWithTheTimeOfDayAndTheZone() {
        String svg = HtmlReport.sizeChart(
                report(Instant.parse("2025-12-27T00:00:00Z"), Duration.ofHours(3), 5), ZoneOffset.ofHours(1));
        assertThat(labels(svg))
                .extracting(Label::text)
                .containsExactly("12-27 01:00", "12-27 04:00", "12-27 07:00", "12-27 10:00", "12-27 13:00");
    }

    @Test
    void oneBackupHasOneLabelAndTheWholeReportCarriesTheDates() {
        Report one = report(Instant.parse("2025-12-27T12:00:00Z"), Duration.ZERO, 1);
        assertThat(labels(HtmlReport.sizeChart(one, ZoneOffset.UTC)))
                .extracting(Label::text)
                .containsExactly("2025-12-27 12:00");
        String html = HtmlReport.render(
                report(Instant.parse("2025-11-28T02:00:00Z"), Duration.ofDays(1), 30), ZoneOffset.UTC);
        assertThat(html).contains(">2025-11-28</text>").contains(">2025-12-27</text>");
    }
}
