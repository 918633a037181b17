package io.backupverifier.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The gzip layer on its own: header flags, members, and where it breaks. */
class GzipDecoderTest {

    private static GzipReport decode(byte[] gz, ByteArrayOutputStream content) throws Exception {
        return new GzipDecoder().decode(new ByteArrayInputStream(gz), content);
    }

    /** A member with FNAME, FCOMMENT, FEXTRA and FHCRC set, as other gzip writers make them. */
    private static byte[] withAllHeaderFlags(byte[] plain) {
        byte[] simple = Fixtures.gzip(plain);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
        b.writeBytes(new byte[] {4, 0, 'A', 'B', 'C', 'D'}); // FEXTRA
        b.writeBytes("backup.sql\0".getBytes(StandardCharsets.ISO_8859_1)); // FNAME
        b.writeBytes("made by test\0".getBytes(StandardCharsets.ISO_8859_1)); // FCOMMENT
        b.writeBytes(new byte[] {0x12, 0x34}); // FHCRC (not checked by gzip either)
        b.writeBytes(Arrays.copyOfRange(simple, 10, simple.length));
        return b.toByteArray();
    }

    @Test
    void headerFlagsAreSkippedAndContentIsExact() throws Exception {
        byte[] plain = "SELECT 1;\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipReport r = decode(withAllHeaderFlags(plain), out);
        assertThat(r.intact()).as(r.message()).isTrue();
        assertThat(out.toByteArray()).isEqualTo(plain);
        assertThat(r.uncompressedBytes()).isEqualTo(plain.length);
    }

    @Test
    void manyMembersAndEmptyMembers() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
            gz.writeBytes(Fixtures.gzip(("part " + i + "\n").getBytes(StandardCharsets.US_ASCII)));
            gz.writeBytes(Fixtures.gzip(new byte[0]));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipReport r = decode(gz.toByteArray(), out);
        assertThat(r.members()).isEqualTo(10);
        assertThat(r.intact()).isTrue();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("part 0\npart 1\npart 2\npart 3\npart 4\n");
    }

    @Test
    void cutInsideTheTrailerOrHeaderIsTruncation() throws Exception {
        byte[] gz = Fixtures.gzip("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(decode(Arrays.copyOf(gz, gz.length - 3), new ByteArrayOutputStream())
                        .message())
                .isEqualTo("File is truncated: member 1 is missing its 8-byte CRC32/ISIZE trailer");
        assertThat(decode(Arrays.copyOf(gz, 5), new ByteArrayOutputStream()).message())
                .isEqualTo("File is truncated inside the header of member 1");
    }

    @Test
    void isizeMismatchIsNamed() throws Exception {
        byte[] gz = Fixtures.gzip("hello".getBytes(StandardCharsets.US_ASCII));
        gz[gz.length - 4] = 9;
        GzipReport r = decode(gz, new ByteArrayOutputStream());
        assertThat(r.problem()).isEqualTo(GzipReport.Problem.ISIZE_MISMATCH);
        assertThat(r.message()).isEqualTo("ISIZE mismatch in member 1: stored 9, inflated 5 bytes");
    }

    @Test
    void unknownCompressionMethodIsCorruption() throws Exception {
        byte[] gz = Fixtures.gzip("hello".getBytes(StandardCharsets.US_ASCII));
        gz[2] = 7;
        assertThat(decode(gz, new ByteArrayOutputStream()).message())
                .isEqualTo("Unsupported compression method 7 in the header of member 1");
    }

    @Test
    void expansionAcrossMembersStopsAtTheBoundAndNoMoreContentIsWritten() throws Exception {
        byte[] member = Fixtures.gzip(new byte[4 << 20]); // 4 MiB of zeros each
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            gz.writeBytes(member);
        }
        OutputStream counting = new OutputStream() {
            long n;

            @Override
            public void write(int b) {
                n++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                n += len;
                assertThat(n).as("content written past the bound").isLessThanOrEqualTo(10L << 20);
            }
        };
        GzipReport r = new GzipDecoder(10L << 20, 0).decode(new ByteArrayInputStream(gz.toByteArray()), counting);
        assertThat(r.problem()).isEqualTo(GzipReport.Problem.TOO_LARGE);
        assertThat(r.message())
                .startsWith("Inflation stopped in member 3: content larger than MAX_EXPANDED_SIZE (10.0 MiB)");
        assertThat(r.intact()).isFalse();
    }

    @Test
    void aRealDumpIsFarBelowTheDefaultRatio() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipReport r = new GzipDecoder(Long.MAX_VALUE, 1000)
                .decode(new ByteArrayInputStream(Fixtures.bytes("shop.sql.gz")), out);
        assertThat(r.intact()).as(r.message()).isTrue();
    }
}
