package io.backupverifier.scan;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates every member of a gzip stream (RFC 1952) and checks each member's CRC32 and
 * ISIZE, writing the uncompressed bytes to {@code content}.
 *
 * <p>Written by hand rather than with {@link java.util.zip.GZIPInputStream} because that
 * class silently ignores whatever follows the last member, and the design says bytes
 * after the last member are a failure.
 */
final class GzipDecoder {

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final byte[] in = new byte[256 * 1024];
    private final byte[] out = new byte[256 * 1024];
    private int pos;
    private int limit;
    private long consumed; // compressed bytes handed out of the buffer so far
    private InputStream raw;
    private final long maxExpanded;
    private final int maxRatio;

    /** Ratios are judged only past this much output: a tiny file of zeros is no bomb. */
    static final long RATIO_FLOOR = 64L * 1024 * 1024;

    /**
     * @param maxExpanded stop with a failure once the content passes this many bytes (a gzip bomb)
     * @param maxRatio    or once it is more than this many times the compressed bytes read so far
     *                    (past {@link #RATIO_FLOOR}); 0 = no ratio limit
     */
    GzipDecoder(long maxExpanded, int maxRatio) {
        this.maxExpanded = maxExpanded;
        this.maxRatio = maxRatio;
    }

    GzipDecoder() {
        this(Long.MAX_VALUE, 0);
    }

    /** Decodes {@code raw} to its end or to the first problem; never throws for bad data. */
    GzipReport decode(InputStream raw, OutputStream content) throws IOException {
        this.raw = raw;
        ChunkPipe.Writer direct = content instanceof ChunkPipe.Writer w ? w : null;
        Inflater inflater = new Inflater(true);
        CRC32 crc = new CRC32();
        int members = 0;
        long total = 0;
        try {
            while (true) {
                int b0 = next();
                if (b0 < 0) {
                    if (members == 0) {
                        return GzipReport.notGzip("File is empty: no gzip data", GzipReport.Problem.EMPTY);
                    }
                    return new GzipReport(
                            true,
                            members,
                            consumed,
                            total,
                            null,
                            "Gzip integrity verified (" + members + (members == 1 ? " member" : " members") + ")");
                }
                int b1 = next();
                if (!GzipMagic.at(b0, b1)) {
                    if (members == 0) {
                        return GzipReport.notGzip(
                                String.format("Not a gzip file: starts with %02x %02x, not 1f 8b", b0, Math.max(b1, 0)),
                                GzipReport.Problem.NOT_GZIP);
                    }
                    long garbageAt = consumed - (b1 < 0 ? 1 : 2);
                    long garbage = (b1 < 0 ? 1 : 2) + skipRest();
                    return fail(
                            members,
                            total,
                            GzipReport.Problem.TRAILING_DATA,
                            String.format(
                                    "%d bytes of non-gzip data after the last member (member %d ends at byte %d)",
                                    garbage, members, garbageAt));
                }
                int member = members + 1;
                String where = "member " + member;
                readHeader(where);
                inflater.reset();
                crc.reset();
                long size = 0;
                while (!inflater.finished()) {
                    if (inflater.needsInput()) {
                        if (pos == limit && fill() < 0) {
                            throw new EOFException("File is truncated: " + where + " ends inside its deflate data");
                        }
                        inflater.setInput(in, pos, limit - pos);
                        consumed += limit - pos;
                        pos = limit;
                    }
                    // into the content pipe's own buffer when there is one: no copy of the inflated bytes
                    byte[] target = direct != null ? direct.buffer() : null;
                    int at = target != null ? direct.filled() : 0;
                    if (target == null) {
                        target = out;
                    }
                    int n;
                    try {
                        n = inflater.inflate(target, at, target.length - at);
                    } catch (DataFormatException e) {
                        return fail(
                                members,
                                total + size,
                                GzipReport.Problem.CORRUPT,
                                "Corrupt deflate data in " + where + ": " + e.getMessage() + " (about byte "
                                        + (consumed - inflater.getRemaining()) + ")");
                    }
                    if (n > 0) {
                        crc.update(target, at, n);
                        size += n;
                        String bomb = tooLarge(total + size, consumed - inflater.getRemaining());
                        if (bomb != null) {
                            skipRest();
                            return fail(
                                    members,
                                    total + size,
                                    GzipReport.Problem.TOO_LARGE,
                                    "Inflation stopped in " + where + ": " + bomb
                                            + " (a gzip bomb, or a backup far larger than configured)");
                        }
                        if (target == out) {
                            content.write(out, 0, n);
                        } else {
                            direct.advance(n);
                        }
                    } else if (inflater.needsDictionary()) {
                        return fail(
                                members,
                                total + size,
                                GzipReport.Problem.CORRUPT,
                                "Corrupt deflate data in " + where + ": asks for a preset dictionary");
                    }
                }
                // hand back what the inflater did not use: it belongs to the trailer
                int unused = inflater.getRemaining();
                pos -= unused;
                consumed -= unused;
                long storedCrc = readIntLE(where);
                long storedSize = readIntLE(where);
                total += size;
                members = member;
                if (storedCrc != crc.getValue()) {
                    skipRest();
                    return fail(
                            members,
                            total,
                            GzipReport.Problem.CRC_MISMATCH,
                            String.format(
                                    "CRC32 mismatch in %s: stored %08x, computed %08x",
                                    where, storedCrc, crc.getValue()));
                }
                if (storedSize != (size & 0xffffffffL)) {
                    skipRest();
                    return fail(
                            members,
                            total,
                            GzipReport.Problem.ISIZE_MISMATCH,
                            String.format(
                                    "ISIZE mismatch in %s: stored %d, inflated %d bytes",
                                    where, storedSize, size & 0xffffffffL));
                }
            }
        } catch (EOFException e) {
            return fail(members, total, GzipReport.Problem.TRUNCATED, e.getMessage());
        } catch (BadHeader e) {
            return fail(members, total, GzipReport.Problem.CORRUPT, e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** Why inflating must stop here, or null. */
    private String tooLarge(long expanded, long compressed) {
        if (expanded > maxExpanded) {
            return "content larger than MAX_EXPANDED_SIZE (" + Bytes.human(maxExpanded) + ")";
        }
        if (maxRatio > 0 && expanded > RATIO_FLOOR && expanded / Math.max(compressed, 1) > maxRatio) {
            return Bytes.human(expanded) + " of content from " + Bytes.human(compressed)
                    + ", more than MAX_EXPANSION_RATIO " + maxRatio + ":1";
        }
        return null;
    }

    /** A header that is there but wrong (as opposed to cut short). */
    private static final class BadHeader extends IOException {
        private static final long serialVersionUID = 1L;

        BadHeader(String message) {
            super(message);
        }
    }

    private GzipReport fail(int members, long total, GzipReport.Problem problem, String message) {
        return new GzipReport(true, members, consumed, total, problem, message);
    }

    private void readHeader(String where) throws IOException {
        int method = need(where);
        if (method != 8) {
            throw new BadHeader("Unsupported compression method " + method + " in the header of " + where);
        }
        int flags = need(where);
        for (int i = 0; i < 6; i++) {
            need(where); // mtime, xfl, os
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = need(where) | need(where) << 8;
            for (int i = 0; i < xlen; i++) {
                need(where);
            }
        }
        if ((flags & FNAME) != 0) {
            while (need(where) != 0) {
                /* skip the original file name */
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (need(where) != 0) {
                /* skip the comment */
            }
        }
        if ((flags & FHCRC) != 0) {
            need(where);
            need(where);
        }
    }

    private long readIntLE(String where) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int b = next();
            if (b < 0) {
                throw new EOFException("File is truncated: " + where + " is missing its 8-byte CRC32/ISIZE trailer");
            }
            v |= (long) b << (8 * i);
        }
        return v;
    }

    private int need(String where) throws IOException {
        int b = next();
        if (b < 0) {
            throw new EOFException("File is truncated inside the header of " + where);
        }
        return b;
    }

    private int next() throws IOException {
        if (pos == limit && fill() < 0) {
            return -1;
        }
        consumed++;
        return in[pos++] & 0xff;
    }

    private int fill() throws IOException {
        int n = raw.read(in, 0, in.length);
        pos = 0;
        limit = Math.max(n, 0);
        return n;
    }

    /** Reads to the end so that the SHA-256 of the whole file still gets computed; returns bytes skipped. */
    private long skipRest() throws IOException {
        long skipped = limit - pos;
        pos = limit;
        int n;
        while ((n = fill()) >= 0) {
            skipped += n;
            pos = limit;
        }
        return skipped;
    }
}
