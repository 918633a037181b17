package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.alert.Advice;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A backup whose check could not run (ERROR) is counted apart from the FAILED ones, in all three forms. */
class ReportErrorsTest {

    private final Instant t = Instant.parse("2025-12-27T12:00:00Z");
    private final Report report = new Report(
            t,
            Path.of("/backups"),
            List.of(
                    new ReportRow(Path.of("/backups/daily/a.gz"), "daily", 1000, t, "PASSED", t, List.of(), null),
                    new ReportRow(
                            Path.of("/backups/daily/b.gz"), "daily", 1000, t, "FAILED", t, List.of("checksum"), null),
                    new ReportRow(
                            Path.of("/backups/daily/c.gz"),
                            "daily",
                            1000,
                            t,
                            "ERROR",
                            t,
                            List.of("size_anomaly"),
                            null,
                            List.of("size"))),
            List.of(),
            Map.of());

    @Test
    void errorsAreCountedApartFromFailures() throws Exception {
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.errors()).isEqualTo(1);
        String text = TextReport.render(report, ZoneOffset.UTC);
        assertThat(text)
                .contains("\nFailed: 1\n")
                .contains("\nErrors (could not be checked): 1\n")
                .contains("size could not run for c.gz: " + Advice.forError())
                .contains("size_anomaly failed for c.gz: " + Advice.forCheck("size_anomaly"))
                .doesNotContain("size failed for")
                .contains("checksum failed for b.gz: " + Advice.forCheck("checksum"));
        JsonNode json = new ObjectMapper().readTree(JsonReport.render(report));
        assertThat(json.at("/summary/failed").asInt()).isEqualTo(1);
        assertThat(json.at("/summary/errors").asInt()).isEqualTo(1);
        String html = HtmlReport.render(report, ZoneOffset.UTC);
        assertThat(html).contains("<span class=\"muted\">Errors</span><b class=\"bad\">1</b>");
    }
}
