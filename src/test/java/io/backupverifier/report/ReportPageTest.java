package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.testing.JsonSchemas;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Paging of the status page and /api/backups (?limit=&offset=): one page of the backups, newest
 * first across categories, while the summary counts every backup; without parameters the API
 * shows every backup in the report's order, as before paging.
 */
class ReportPageTest {

    private static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

    /** 25 backups, one hour apart (b0 the oldest, b24 the newest), spread over three categories; every fifth FAILED. */
    private static Report report() {
        List<ReportRow> rows = new ArrayList<>();
        String[] categories = {"daily", "weekly", "monthly"};
        for (int i = 0; i < 25; i++) {
            String category = categories[i % 3];
            rows.add(new ReportRow(
                    Path.of("/backups/" + category + "/b" + i + ".gz"),
                    category,
                    1000 + i,
                    T.plus(Duration.ofHours(i)),
                    i % 5 == 0 ? "FAILED" : "PASSED",
                    T.plus(Duration.ofHours(i + 1)),
                    i % 5 == 0 ? List.of("gzip_integrity") : List.of(),
                    null));
        }
        rows.sort(ReportRows.ORDER);
        return new Report(T.plus(Duration.ofDays(2)), Path.of("/backups"), rows, List.of(), Map.of());
    }

    private static List<String> files(JsonNode json) {
        List<String> out = new ArrayList<>();
        json.get("backups")
                .forEach(b ->
                        out.add(Path.of(b.get("file").asText()).getFileName().toString()));
        return out;
    }

    @Test
    void aPageIsTheNewestBackupsAcrossCategoriesWithTheTotals() throws Exception {
        String doc = JsonReport.render(report(), ReportPage.of("10", "0"));
        assertThat(JsonSchemas.errors("report.schema.json", doc)).isEmpty();
        JsonNode json = new ObjectMapper().readTree(doc);
        assertThat(files(json))
                .containsExactly(
                        "b24.gz", "b23.gz", "b22.gz", "b21.gz", "b20.gz", "b19.gz", "b18.gz", "b17.gz", "b16.gz",
                        "b15.gz");
        assertThat(json.at("/summary/total").asInt()).isEqualTo(25);
        assertThat(json.at("/summary/failed").asInt()).isEqualTo(5);
        assertThat(json.at("/page/total").asInt()).isEqualTo(25);
        assertThat(json.at("/page/returned").asInt()).isEqualTo(10);
        assertThat(json.at("/page/offset").asInt()).isZero();
        assertThat(json.at("/page/limit").asInt()).isEqualTo(10);

        JsonNode last = new ObjectMapper().readTree(JsonReport.render(report(), ReportPage.of("10", "20")));
        assertThat(files(last)).containsExactly("b4.gz", "b3.gz", "b2.gz", "b1.gz", "b0.gz");
        assertThat(last.at("/page/returned").asInt()).isEqualTo(5);
        JsonNode beyond = new ObjectMapper().readTree(JsonReport.render(report(), ReportPage.of("10", "30")));
        assertThat(beyond.get("backups")).isEmpty();
        assertThat(beyond.at("/summary/total").asInt()).isEqualTo(25);
    }

    @Test
    void withoutParametersTheApiShowsEveryBackupInTheReportsOrderAsBefore() throws Exception {
        Report report = report();
        assertThat(ReportPage.orAll(null, null)).isEqualTo(ReportPage.ALL);
        String doc = JsonReport.render(report, ReportPage.orAll(null, null));
        assertThat(doc).isEqualTo(JsonReport.render(report));
        assertThat(JsonSchemas.errors("report.schema.json", doc)).isEmpty();
        JsonNode json = new ObjectMapper().readTree(doc);
        assertThat(json.has("page")).isFalse();
        assertThat(files(json))
                .hasSize(25)
                .startsWith("b24.gz", "b21.gz")
                .endsWith("b4.gz", "b1.gz"); // daily, monthly, weekly
        // only one of the two given: a page, the other at its default
        assertThat(ReportPage.orAll(null, "5")).isEqualTo(new ReportPage(5, ReportPage.DEFAULT_LIMIT));
        assertThat(ReportPage.orAll("7", null)).isEqualTo(new ReportPage(0, 7));
    }

    @Test
    void theStatusPageShowsOnePageWithLinksToTheOthers() {
        String first = HtmlReport.render(report(), ZoneOffset.UTC, ReportPage.of("10", null));
        assertThat(first)
                .contains("Backups 1&#8211;10 of 25, newest first")
                .contains("href=\"?limit=10&amp;offset=10\">older</a>")
                .doesNotContain(">newer</a>")
                .contains("b24.gz")
                .contains("b15.gz")
                .doesNotContain("b14.gz</td>")
                .contains("<span class=\"muted\">Total backups</span><b class=\"\">25</b>");
        String middle = HtmlReport.render(report(), ZoneOffset.UTC, ReportPage.of("10", "10"));
        assertThat(middle)
                .contains("Backups 11&#8211;20 of 25")
                .contains("href=\"?limit=10&amp;offset=0\">newer</a>")
                .contains("href=\"?limit=10&amp;offset=20\">older</a>");
        assertThat(HtmlReport.render(report(), ZoneOffset.UTC, ReportPage.of(null, null)))
                .contains("Backups 1&#8211;25 of 25")
                .doesNotContain(">older</a>");
        // the written report: every backup, no paging line
        assertThat(HtmlReport.render(report(), ZoneOffset.UTC))
                .doesNotContain("newest first")
                .contains("b0.gz");
    }

    @Test
    void aBadLimitOrOffsetIsRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> ReportPage.of("abc", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be a whole number from 1 to 10000, not 'abc'");
        assertThatThrownBy(() -> ReportPage.of("0", null)).hasMessageStartingWith("limit must be");
        assertThatThrownBy(() -> ReportPage.of("10001", null)).hasMessageStartingWith("limit must be");
        assertThatThrownBy(() -> ReportPage.of(null, "-1"))
                .hasMessageStartingWith("offset must be a whole number from 0");
        String error = JsonReport.error(T, "limit must be a whole number from 1 to 10000, not 'abc'");
        assertThat(JsonSchemas.errors("report.schema.json", error)).isEmpty();
        assertThat(new ObjectMapper().readTree(error).at("/error/exit_code").asInt())
                .isEqualTo(2);
    }
}
