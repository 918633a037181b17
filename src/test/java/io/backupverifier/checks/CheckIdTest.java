package io.backupverifier.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.alert.Advice;
import io.backupverifier.report.Report;
import io.backupverifier.restore.RestoreTester;
import org.junit.jupiter.api.Test;

/** The check registry says exactly what DESIGN.md section 5 names, in its order; everything else reads it from there. */
class CheckIdTest {

    @Test
    void idsAndOrderAreDesignSectionFive() {
        assertThat(CheckId.ids(CheckId.Kind.FILE))
                .containsExactly(
                        "size", "metadata", "checksum", "gzip_integrity", "extractable", "format", "dump_complete");
        assertThat(CheckId.ids(CheckId.Kind.HISTORY)).containsExactly("size_anomaly");
        assertThat(CheckId.ids(CheckId.Kind.CATEGORY)).containsExactly("freshness", "retention");
        assertThat(CheckId.ids(CheckId.Kind.RESTORE))
                .containsExactly(
                        "restore",
                        "table_count",
                        "key_tables",
                        "reindex",
                        "analyze",
                        "referential_integrity",
                        "consistency",
                        "amcheck");
        assertThat(RestoreTester.CHECK_IDS).isEqualTo(CheckId.ids(CheckId.Kind.RESTORE));
    }

    @Test
    void everyCheckHasItsOwnAdviceAndAnUnknownIdAGenericOne() {
        for (CheckId c : CheckId.values()) {
            assertThat(Advice.forCheck(c.id()))
                    .as(c.id())
                    .isEqualTo(c.advice())
                    .isNotEqualTo("Check the verification logs");
        }
        assertThat(Advice.forCheck("gzip_integrity")).isEqualTo("Re-run backup, check disk space and I/O");
        assertThat(Advice.forCheck("connectivity")).isEqualTo("Check the verification logs");
    }

    @Test
    void reportListsEveryCheckOnceInCheckOrder() {
        assertThat(Report.CHECKS_PERFORMED).hasSize(10);
        assertThat(Report.CHECKS_PERFORMED.get(0)).isEqualTo("size: file size between the minimum and maximum");
        assertThat(Report.CHECKS_PERFORMED.get(8))
                .isEqualTo("freshness, retention: each category has a recent backup and enough of them");
        assertThat(Report.CHECKS_PERFORMED.get(9))
                .startsWith("restore tests (weekly): restore, table count, key tables");
    }
}
