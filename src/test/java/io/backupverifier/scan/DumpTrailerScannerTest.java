package io.backupverifier.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The completion-trailer scanner on its own, including how the data is cut into chunks. */
class DumpTrailerScannerTest {

    private static final String DUMP =
            new String(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")), StandardCharsets.UTF_8);

    private static DumpTrailerScanner.Verdict scan(String text, Random chunking) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        DumpTrailerScanner s = new DumpTrailerScanner();
        for (int i = 0; i < b.length; ) {
            int n = chunking == null ? b.length : 1 + chunking.nextInt(64);
            n = Math.min(n, b.length - i);
            s.accept(b, i, n);
            i += n;
        }
        return s.finish();
    }

    @RepeatedTest(20)
    void verdictDoesNotDependOnHowTheStreamIsChunked() {
        Random r = new Random();
        assertThat(scan(DUMP, r).complete()).isTrue();
        assertThat(scan(DUMP, r).copyBlocks()).isEqualTo(scan(DUMP, null).copyBlocks());
        String cut = DUMP.substring(0, DUMP.indexOf("COPY public.raw_messages") + 80);
        assertThat(scan(cut, r).message()).contains("ends inside the data of table public.raw_messages");
    }

    @Test
    void everyCutOfTheDumpIsIncomplete() {
        // wherever a dump dies, the scanner must not call it complete (step through many cut points)
        int trailer = DUMP.lastIndexOf("-- PostgreSQL database dump complete");
        for (int cut = 0; cut < trailer; cut += 97) {
            assertThat(scan(DUMP.substring(0, cut), null).complete())
                    .as("cut at %d", cut)
                    .isFalse();
        }
    }

    @Test
    void copyDataLinesThatLookLikeSqlAreData() {
        String dump = "-- PostgreSQL database dump\n\nCOPY public.t (body) FROM stdin;\n"
                + "-- PostgreSQL database dump complete\n\\\\.\nCOPY public.x FROM stdin;\n";
        // still inside the first COPY: "\\." is an escaped backslash and a dot, not the end marker
        assertThat(scan(dump, null).message()).contains("inside the data of table public.t");
        assertThat(scan(dump + "\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n", null)
                        .complete())
                .isTrue();
    }

    @Test
    void tableOfAnUnfinishedCopyIsNamedAsTheRestoreReadsIt() {
        // the same reading as the restore's (CopyTarget): a quoted name may hold " (" and " FROM"
        String dump = "-- PostgreSQL database dump\n\nCOPY \"S\".\"odd (name FROM\" (id) FROM stdin;\n1\n";
        assertThat(scan(dump, null).message()).contains("inside the data of table \"S\".\"odd (name FROM\" (COPY");
        assertThat(scan("COPY public.t FROM stdin;\n1\n", null).message())
                .contains("inside the data of table public.t (COPY");
    }

    @Test
    void trailerInsideDollarQuotedBodyOrCommentDoesNotCount() {
        String body = "CREATE FUNCTION f() RETURNS text AS $fn$\n--\n-- PostgreSQL database dump complete\n--\n";
        assertThat(scan(body, null).complete()).isFalse();
        assertThat(scan(body + "$fn$ LANGUAGE sql;\n", null).complete()).isFalse();
        assertThat(scan("/* outer /* inner */\n-- PostgreSQL database dump complete\n", null)
                        .complete())
                .isFalse();
        assertThat(scan("SELECT E'it''s \\' still\n-- PostgreSQL database dump complete\n", null)
                        .complete())
                .isFalse();
    }

    @Test
    void clusterDumpTrailerCounts() {
        assertThat(scan(
                                "--\n-- PostgreSQL database cluster dump\n--\nSET x = 1;\n\n--\n"
                                        + "-- PostgreSQL database cluster dump complete\n--\n\n",
                                null)
                        .complete())
                .isTrue();
    }
}
