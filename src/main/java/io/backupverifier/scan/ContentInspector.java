package io.backupverifier.scan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Recognises the content by its first bytes (never by file name) and reads it to its end
 * the way its kind needs: a plain dump through {@link DumpTrailerScanner}, a tar archive
 * entry by entry, a SQLite database against the size its header declares.
 */
public final class ContentInspector {

    private static final int SNIFF = 16 * 1024;
    /** How many bytes {@link #kindOf} wants to see. */
    public static final int SNIFF_BYTES = SNIFF;

    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern PG_DUMP_VERSION = Pattern.compile("-- Dumped by pg_dump version (\\S+)");

    private final byte[] buf = new byte[256 * 1024];

    public ContentReport inspect(InputStream content) throws IOException {
        byte[] head = content.readNBytes(SNIFF);
        InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), content);
        switch (kindOf(head)) {
            case EMPTY:
                return new ContentReport(
                        ContentKind.EMPTY, "no content", 0, "Nothing to extract: the content is empty", null, null);
            case CUSTOM:
                return custom(head, all);
            case SQLITE:
                return sqlite(head, all);
            case TAR:
                return tar(all);
            case PLAIN:
                return plain(head, content);
            default:
                break;
        }
        long n = drain(all);
        String what = looksLikeText(head) ? "text that is not pg_dump output" : "binary data of no known kind";
        return new ContentReport(
                ContentKind.UNKNOWN,
                "Unrecognised content: " + what
                        + " (not a pg_dump plain dump, custom archive, SQLite database or tar archive)",
                n,
                null,
                "Read " + Bytes.human(n) + " of unrecognised content",
                null);
    }

    /** The kind of content that starts with {@code head} (its first 16 KiB or all of it). */
    public static ContentKind kindOf(byte[] head) {
        if (head.length == 0) {
            return ContentKind.EMPTY;
        }
        if (startsWith(head, "PGDMP".getBytes(StandardCharsets.US_ASCII))) {
            return ContentKind.CUSTOM;
        }
        if (startsWith(head, SQLITE_MAGIC)) {
            return ContentKind.SQLITE;
        }
        if (head.length >= 263 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            return ContentKind.TAR;
        }
        String text = new String(head, StandardCharsets.UTF_8);
        if (text.contains("-- PostgreSQL database dump") || text.contains("-- PostgreSQL database cluster dump")) {
            return ContentKind.PLAIN;
        }
        return ContentKind.UNKNOWN;
    }

    /** A plain dump: {@code head} is its start, {@code in} the rest. */
    private ContentReport plain(byte[] head, InputStream in) throws IOException {
        Matcher m = PG_DUMP_VERSION.matcher(new String(head, StandardCharsets.UTF_8));
        String description = ContentKind.PLAIN.label() + (m.find() ? " (pg_dump " + m.group(1) + ")" : "");
        DumpTrailerScanner scanner = new DumpTrailerScanner();
        scanner.accept(head, 0, head.length);
        long total = head.length;
        if (in instanceof ChunkPipe.Reader pipe) {
            // the scan's content pipe: read the inflated bytes where the decoder wrote them, without a copy
            ChunkPipe.Slice s;
            while ((s = pipe.borrow()) != null) {
                scanner.accept(s.data(), s.offset(), s.length());
                total += s.length();
            }
        } else {
            int n;
            while ((n = in.read(buf)) > 0) {
                scanner.accept(buf, 0, n);
                total += n;
            }
        }
        DumpTrailerScanner.Verdict verdict = scanner.finish();
        return new ContentReport(
                ContentKind.PLAIN, description, total, null, Bytes.human(total) + " of SQL read to the end", verdict);
    }

    private ContentReport custom(byte[] head, InputStream in) throws IOException {
        // header: "PGDMP", major, minor, revision, int size, offset size, format (1 = custom)
        String description = ContentKind.CUSTOM.label();
        if (head.length >= 11) {
            description += String.format(" (archive version %d.%d.%d)", head[5], head[6], head[7]);
        }
        long n = drain(in);
        if (head.length < 11 || head[10] != 1) {
            return new ContentReport(
                    ContentKind.CUSTOM,
                    description,
                    n,
                    "PGDMP header is incomplete or not of the custom format (format byte "
                            + (head.length > 10 ? head[10] : -1) + ")",
                    null,
                    null);
        }
        return new ContentReport(
                ContentKind.CUSTOM,
                description,
                n,
                null,
                "custom archive read to the end (" + Bytes.human(n) + ")",
                null);
    }

    private ContentReport sqlite(byte[] head, InputStream in) throws IOException {
        long n = drain(in);
        if (head.length < 100) {
            return new ContentReport(
                    ContentKind.SQLITE,
                    ContentKind.SQLITE.label(),
                    n,
                    "SQLite header is cut short: " + head.length + " of 100 bytes",
                    null,
                    null);
        }
        int pageSize = (head[16] & 0xff) << 8 | head[17] & 0xff;
        long size = pageSize == 1 ? 65536 : pageSize;
        long pages = be32(head, 28);
        boolean pagesValid = be32(head, 24) == be32(head, 92) && pages > 0; // the in-header size is trusted only then
        String description = ContentKind.SQLITE.label() + " (page size " + size + ")";
        if (pagesValid && n != pages * size) {
            return new ContentReport(
                    ContentKind.SQLITE,
                    description,
                    n,
                    String.format(
                            "SQLite database is %s: its header says %d pages of %d bytes (%d bytes), the content has %d bytes",
                            n < pages * size ? "truncated" : "longer than its header says",
                            pages,
                            size,
                            pages * size,
                            n),
                    null,
                    null);
        }
        if (n % size != 0) {
            return new ContentReport(
                    ContentKind.SQLITE,
                    description,
                    n,
                    "SQLite database is not a whole number of " + size + "-byte pages (" + n + " bytes)",
                    null,
                    null);
        }
        return new ContentReport(
                ContentKind.SQLITE,
                description,
                n,
                null,
                "SQLite database read to the end (" + n / size + " pages)",
                null);
    }

    private ContentReport tar(InputStream in) throws IOException {
        long entries = 0;
        long bytes = 0;
        String current = null;
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                current = entry.getName();
                long read = 0;
                int n;
                while ((n = tar.read(buf)) > 0) {
                    read += n;
                }
                if (read != entry.getSize()) {
                    throw new IOException(
                            "entry '" + current + "' has " + read + " of its " + entry.getSize() + " bytes");
                }
                entries++;
                bytes += read;
                current = null;
            }
            drain(in);
        } catch (IOException e) {
            drain(in);
            String where = current == null ? "after " + entries + " entries" : "in entry '" + current + "'";
            return new ContentReport(
                    ContentKind.TAR,
                    ContentKind.TAR.label(),
                    bytes,
                    "tar archive is cut or corrupt " + where + ": " + e.getMessage(),
                    null,
                    null);
        }
        return new ContentReport(
                ContentKind.TAR,
                ContentKind.TAR.label() + " (" + entries + " entries)",
                bytes,
                null,
                "all " + entries + " tar entries read to the end (" + Bytes.human(bytes) + ")",
                null);
    }

    private long drain(InputStream in) throws IOException {
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
        }
        return total;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long be32(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | b[at + 3] & 0xffL;
    }

    private static boolean looksLikeText(byte[] head) {
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }
}
