package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.testing.Cli;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.JsonSchemas;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The verification report in its three forms, read back as a person and a script would. */
class ReportTest {

    /** Twelve hours after the newest daily backup (2025-12-27 12:00): within the daily freshness limit (26 h). */
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-12-28T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    Path backups;
    Path logs;

    @BeforeEach
    void verifyWithReport() {
        backups = root.resolve("backups");
        logs = root.resolve("logs");
        Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251227_120000.gz");
        Fixtures.backup(backups.resolve("daily"), "shop.sql.gz", "backup_20251226_120000.gz");
        Path bad = Fixtures.backup(backups.resolve("weekly"), "shop.sql.gz", "backup_20251221_030000.gz");
        Fixtures.flipByte(bad, 600);
        Cli.Result r = new Cli(root)
                .env("BACKUP_DIR", backups.toString())
                .env("VERIFICATION_LOG_DIR", logs.toString())
                .env("RESTORE_ON_SUSPECT", "false")
                .clock(NOW)
                .run("verify", "--all", "--report");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("[INFO] Report written: ");
    }

    private Path report(String ext) throws Exception {
        try (Stream<Path> files = Files.list(logs)) {
            List<Path> found = files.filter(
                            p -> p.getFileName().toString().matches("verification_report_20251228_000000\\." + ext))
                    .toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    private static String value(String text, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + ": (.+)$").matcher(text);
        assertThat(m.find()).as(label).isTrue();
        return m.group(1);
    }

    @Test
    void textReportHasTheSeedLayoutAndTheRightNumbers() throws Exception {
        String text = Files.readString(report("txt"));
        assertThat(text).startsWith("=".repeat(80) + "\nBACKUP VERIFICATION REPORT\n" + "=".repeat(80));
        assertThat(text)
                .contains("\nSUMMARY\n", "\nBACKUP CATEGORIES\n", "\nCHECKS PERFORMED\n", "\nRECOMMENDATIONS\n");
        assertThat(value(text, "Backup Directory"))
                .isEqualTo(backups.toAbsolutePath().toString());
        assertThat(value(text, "Total Backups")).isEqualTo("3");
        assertThat(value(text, "Verified")).isEqualTo("2");
        assertThat(value(text, "Failed")).isEqualTo("1");
        assertThat(value(text, "Pass Rate")).isEqualTo("2/3 = 66.7%");
        assertThat(text)
                .contains(
                        "gzip_integrity failed for backup_20251221_030000.gz: Re-run backup, check disk space and I/O");
    }

    @Test
    void jsonReportSaysTheSame() throws Exception {
        assertThat(JsonSchemas.errors("report.schema.json", Files.readString(report("json"))))
                .isEmpty();
        JsonNode json = new ObjectMapper().readTree(report("json").toFile());
        assertThat(json.at("/version").asText()).isEqualTo(JsonReport.VERSION);
        assertThat(Instant.parse(json.at("/generated_at").asText())).isNotNull();
        assertThat(json.at("/summary/total").asInt()).isEqualTo(3);
        assertThat(json.at("/summary/verified").asInt()).isEqualTo(2);
        assertThat(json.at("/summary/failed").asInt()).isEqualTo(1);
        assertThat(json.at("/summary/pass_rate").asDouble()).isEqualTo(66.7);
        assertThat(json.get("backups")).hasSize(3);
        JsonNode weekly = null;
        for (JsonNode b : json.get("backups")) {
            assertThat(b.get("last_verified").isTextual()).isTrue();
            if (b.get("category").asText().equals("weekly")) {
                weekly = b;
            }
        }
        assertThat(weekly.get("status").asText()).isEqualTo("FAILED");
        assertThat(weekly.get("failed_checks").toString()).contains("gzip_integrity");
        assertThat(json.at("/generated_at").asText()).isEqualTo("2025-12-28T00:00:00Z");
        assertThat(json.at("/categories/daily/freshness/status").asText()).isEqualTo("PASSED");
        // every fixture's sidecar says 2025-12-27 12:00: twelve hours before the fixed clock
        assertThat(json.at("/categories/daily/freshness/message").asText()).endsWith(" is 12 h old (maximum 26 h)");
    }

    @Test
    void htmlReportIsWellFormedSelfContainedAndHasItsCharts() throws Exception {
        String html = Files.readString(report("html"));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(2);
        assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThan(0); // bars per day
        assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(2); // size line per category
        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("<link")
                .doesNotContain("src=")
                .doesNotContain("href=")
                .doesNotContain("url(")
                .doesNotContain("@import");
        assertThat(html.replace("http://www.w3.org/2000/svg", ""))
                .doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(html).contains("backup_20251221_030000.gz").contains("66.7%");
    }
}
