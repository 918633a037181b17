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

    /**
     * COPY data lines as pg_dump writes them, including the ones the fast skip must stop at or look
     * twice at: lines starting with a backslash ({@code \N}, {@code \\.}), {@code \.} inside a line, a
     * line ending in an escaped backslash before the terminator, empty lines, long lines.
     */
    private static String copyLine(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> "";
            case 1 -> "\\N\t" + r.nextInt(1000);
            case 2 -> "\\\\.";
            case 3 -> "\\.x";
            case 4 -> "\\.\r";
            case 5 -> "x\\.";
            case 6 -> "\\";
            case 7 -> "a\\\\";
            case 8 -> "q".repeat(r.nextInt(300));
            case 9 -> "-- PostgreSQL database dump complete";
            default -> r.nextInt(100000) + "\t" + "v\\tw\\\\".repeat(r.nextInt(4)) + "z".repeat(r.nextInt(20));
        };
    }

    /** A dump of {@code tables} COPY blocks of random data lines, complete with its trailer. */
    private static String generatedDump(Random r, int pad, int tables, int rows) {
        StringBuilder b = new StringBuilder("--\n-- PostgreSQL database dump\n--\n-- " + "p".repeat(pad) + "\n\n");
        for (int t = 0; t < tables; t++) {
            b.append("COPY public.t").append(t).append(" (id, body) FROM stdin;\n");
            for (int i = 0; i < rows; i++) {
                b.append(copyLine(r)).append('\n');
            }
            b.append("\\.\n\n\n");
        }
        return b.append("--\n-- PostgreSQL database dump complete\n--\n\n").toString();
    }

    private static long newlines(String s) {
        return s.chars().filter(c -> c == '\n').count();
    }

    @Test
    void copyDataSkippedEightBytesAtATimeCountsEveryLineAndStopsOnlyAtTheTerminator() {
        // every alignment of the data against the 8-byte words, cut into chunks at random places
        Random r = new Random(14);
        for (int pad = 0; pad < 16; pad++) {
            String dump = generatedDump(r, pad, 3, 400);
            for (Random chunking : new Random[] {null, new Random(pad)}) {
                DumpTrailerScanner.Verdict v = scan(dump, chunking);
                assertThat(v.complete()).as("pad %d: %s", pad, v.message()).isTrue();
                assertThat(v.copyBlocks()).isEqualTo(3);
                assertThat(v.lines()).isEqualTo(newlines(dump));
            }
        }
    }

    @Test
    void aTerminatorAtAnyWordPositionEndsTheBlockAndNoLookalikeDoes() {
        // the terminator line after data lines of every length 0..40: its backslash lands on every byte of a word,
        // including the first byte of a word whose previous word ended with the newline
        for (int len = 0; len <= 40; len++) {
            for (String lookalike : new String[] {"\\\\.", "\\.x", "\\.\r", "x\\.", "\\N", "\\"}) {
                String head = "COPY public.t (a) FROM stdin;\n" + "d".repeat(len) + "\n" + lookalike + "\n";
                String done = head + "\\.\n--\n-- PostgreSQL database dump complete\n--\n";
                for (Random chunking : new Random[] {null, new Random(len)}) {
                    assertThat(scan(head + "d".repeat(len) + "\n", chunking).message())
                            .as("len %d after %s", len, lookalike)
                            .contains("ends inside the data of table public.t");
                    DumpTrailerScanner.Verdict v = scan(done, chunking);
                    assertThat(v.complete())
                            .as("len %d after %s", len, lookalike)
                            .isTrue();
                    assertThat(v.lines()).isEqualTo(newlines(done));
                }
            }
        }
    }

    /**
     * A dump written with CRLF line ends (psql restores it: it takes "\\." CR LF as the end of COPY data) is
     * complete, and cut anywhere it is not; in a dump with LF line ends a "\\." CR LF line does not end the block
     * (the server refuses it: "end-of-copy marker does not match previous newline style").
     */
    @Test
    void aDumpWithCrlfLineEndsIsReadAsPsqlReadsIt() {
        String crlf = DUMP.replace("\n", "\r\n");
        for (Random chunking : new Random[] {null, new Random(3), new Random(11)}) {
            DumpTrailerScanner.Verdict v = scan(crlf, chunking);
            assertThat(v.complete()).as(v.message()).isTrue();
            assertThat(v.copyBlocks()).isEqualTo(scan(DUMP, null).copyBlocks());
        }
        String cut = crlf.substring(0, crlf.indexOf("COPY public.raw_messages") + 80);
        assertThat(scan(cut, null).message()).contains("ends inside the data of table public.raw_messages");
        int trailer = crlf.lastIndexOf("-- PostgreSQL database dump complete");
        for (int at = 0; at < trailer; at += 89) {
            assertThat(scan(crlf.substring(0, at), null).complete())
                    .as("cut at %d", at)
                    .isFalse();
        }
        String lf = "COPY public.t (a) FROM stdin;\n1\n\\.\r\n--\n-- PostgreSQL database dump complete\n--\n";
        assertThat(scan(lf, null).message()).contains("ends inside the data of table public.t");
    }

    @Test
    void aDumpCutAnywhereInsideItsLastCopyBlockIsIncomplete() {
        String dump = generatedDump(new Random(7), 3, 2, 300);
        int last = dump.lastIndexOf("COPY public.t1");
        int end = dump.lastIndexOf("\\.\n");
        for (int cut = dump.indexOf('\n', last) + 1; cut <= end + 2; cut++) {
            DumpTrailerScanner.Verdict v = scan(dump.substring(0, cut), null);
            assertThat(v.complete()).as("cut at %d", cut).isFalse();
            assertThat(v.message()).as("cut at %d", cut).contains("ends inside the data of table public.t1");
        }
        // cut after the terminator: the block ended, the trailer is missing
        assertThat(scan(dump.substring(0, end + 3), null).message()).contains("no '" + DumpTrailerScanner.TRAILER);
        assertThat(scan(dump.replace(DumpTrailerScanner.TRAILER, "-- the end"), null)
                        .message())
                .contains("no '" + DumpTrailerScanner.TRAILER);
    }
}
