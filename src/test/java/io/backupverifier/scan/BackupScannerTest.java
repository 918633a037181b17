package io.backupverifier.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole one-pass scan of real files, large enough (many pipe chunks, hot loops compiled) that the
 * fast paths run: the inspector reading the inflated bytes in place and skipping COPY data eight bytes
 * at a time. Each broken file must fail the same way the byte-by-byte reading failed it.
 */
class BackupScannerTest {

    @TempDir
    static Path dir;

    private static byte[] dump;
    private static long dumpLines;

    @BeforeAll
    static void makeDump() {
        // about 12 MB of SQL: COPY blocks of rows like pg_dump's, with NULLs and escapes
        Random r = new Random(2026);
        StringBuilder b = new StringBuilder("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\n");
        for (int t = 0; t < 6; t++) {
            b.append("CREATE TABLE public.t").append(t).append(" (id integer, body text);\n\n");
            b.append("COPY public.t").append(t).append(" (id, body) FROM stdin;\n");
            for (int i = 0; i < 40_000; i++) {
                b.append(i % 97 == 0 ? "\\N" : Integer.toString(i)).append('\t');
                b.append(i % 13 == 0 ? "\\\\." : "row " + r.nextInt() + " with\\ttab and \\\\ backslash")
                        .append('\n');
            }
            b.append("\\.\n\n\n");
        }
        b.append("--\n-- PostgreSQL database dump complete\n--\n\n");
        dump = b.toString().getBytes(StandardCharsets.UTF_8);
        dumpLines = b.chars().filter(c -> c == '\n').count();
    }

    private static ScanResult scan(String name, byte[] file) {
        Path p = Fixtures.write(dir.resolve(name), file);
        ScanResult s = new BackupScanner().scan(p);
        assertThat(s.sha256()).as("SHA-256 of every byte of the file").isEqualTo(Fixtures.sha256(p));
        assertThat(s.size()).isEqualTo(file.length);
        return s;
    }

    /** {@code plain} as gzip members, cut at the given content offsets. */
    private static byte[] members(byte[] plain, int... cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : plain.length;
            out.writeBytes(Fixtures.gzip(Arrays.copyOfRange(plain, from, to)));
            from = to;
        }
        return out.toByteArray();
    }

    @Test
    void aCompleteDumpPassesWithEveryLineCounted() {
        ScanResult s = scan("good.sql.gz", members(dump, dump.length / 3, dump.length / 2));
        assertThat(s.gzip().intact()).as(s.gzip().message()).isTrue();
        assertThat(s.gzip().members()).isEqualTo(3);
        assertThat(s.gzip().uncompressedBytes()).isEqualTo(dump.length);
        assertThat(s.content().kind()).isEqualTo(ContentKind.PLAIN);
        assertThat(s.content().bytes()).isEqualTo(dump.length);
        assertThat(s.content().extractError()).isNull();
        DumpTrailerScanner.Verdict v = s.content().trailer();
        assertThat(v.complete()).as(v.message()).isTrue();
        assertThat(v.copyBlocks()).isEqualTo(6);
        assertThat(v.lines()).isEqualTo(dumpLines);
    }

    @Test
    void aDumpThatDiedInsideACopyBlockIsIncompleteInsideAValidGzip() {
        String text = new String(dump, StandardCharsets.UTF_8);
        int cut = text.indexOf("COPY public.t4") + 3_000_000 / 2;
        ScanResult s = scan("cut.sql.gz", members(Arrays.copyOf(dump, cut)));
        assertThat(s.gzip().intact()).isTrue();
        assertThat(s.content().trailer().complete()).isFalse();
        assertThat(s.content().trailer().message()).contains("ends inside the data of table public.t4");
    }

    @Test
    void aDumpWithoutItsTrailerIsIncomplete() {
        String text = new String(dump, StandardCharsets.UTF_8).replace(DumpTrailerScanner.TRAILER, "-- end");
        ScanResult s = scan("notrailer.sql.gz", members(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(s.gzip().intact()).isTrue();
        assertThat(s.content().trailer().message()).contains("no '" + DumpTrailerScanner.TRAILER + "' trailer");
    }

    @Test
    void aTruncatedFileFailsGzipAndTheDump() {
        byte[] gz = members(dump);
        ScanResult s = scan("truncated.sql.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThat(s.gzip().problem()).isEqualTo(GzipReport.Problem.TRUNCATED);
        assertThat(s.content().trailer().complete()).isFalse();
    }

    @Test
    void aCorruptedSecondMemberFails() {
        byte[] first = Fixtures.gzip(Arrays.copyOf(dump, dump.length / 2));
        byte[] gz = members(dump, dump.length / 2);
        gz[first.length + (gz.length - first.length) / 2] ^= 0x55;
        ScanResult s = scan("corrupt.sql.gz", gz);
        assertThat(s.gzip().intact()).isFalse();
        assertThat(s.gzip().problem()).isIn(GzipReport.Problem.CORRUPT, GzipReport.Problem.CRC_MISMATCH);
        assertThat(s.gzip().message()).contains("member 2");
    }

    @Test
    void aWrongIsizeOrCrcInTheLastMemberFails() {
        byte[] gz = members(dump, dump.length / 2);
        gz[gz.length - 1] ^= 0x01; // ISIZE's top byte
        ScanResult s = scan("isize.sql.gz", gz);
        assertThat(s.gzip().problem()).isEqualTo(GzipReport.Problem.ISIZE_MISMATCH);
        assertThat(s.gzip().message()).contains("member 2");

        gz = members(dump, dump.length / 2);
        gz[gz.length - 8] ^= 0x01; // CRC32's low byte
        s = scan("crc.sql.gz", gz);
        assertThat(s.gzip().problem()).isEqualTo(GzipReport.Problem.CRC_MISMATCH);
        assertThat(s.gzip().message()).contains("member 2");
    }
}
