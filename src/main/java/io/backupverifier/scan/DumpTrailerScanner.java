package io.backupverifier.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decides whether a plain pg_dump ends with its real completion trailer
 * ({@code -- PostgreSQL database dump complete}), reading the decompressed text once.
 *
 * <p>The trailer text can also be data: a row of a one-column table inside a
 * {@code COPY ... FROM stdin} block, or a line inside a quoted string. So the scanner
 * follows the dump's structure: lines between a COPY header and {@code \.} are data and
 * are only searched for their end marker; everything else goes through {@link SqlLexer}.
 * The trailer counts only when it stands in code, and only blank lines, comments and
 * the unrestrict meta-command (written after the trailer since pg_dump 15.14/16.10/17.6) follow it.
 */
public final class DumpTrailerScanner {

    static final String TRAILER = "-- PostgreSQL database dump complete";
    static final String CLUSTER_TRAILER = "-- PostgreSQL database cluster dump complete";
    private static final int KEEP = 200; // bytes kept of a line's start: enough for every marker
    private static final byte[] COPY_END_SUFFIX = "FROM stdin;".getBytes(StandardCharsets.US_ASCII);
    /** Eight bytes of a byte[] at a time, in a fixed byte order: byte {@code k} of the word is bits {@code 8k..8k+7}. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    private static final long BACKSLASHES = 0x5c5c5c5c5c5c5c5cL;

    private final SqlLexer lexer = new SqlLexer();
    private final byte[] head = new byte[KEEP]; // the first bytes of the current line
    private final byte[] tail = new byte[COPY_END_SUFFIX.length + 1]; // its last bytes (and a CR), as a ring
    private int lineLength;
    private boolean lineStartsInCode = true;

    private boolean inCopy;
    /** The COPY line ended in CR LF (a dump written with CRLF line ends): its data may end with {@code \.} CR LF, as psql takes it. */
    private boolean copyCrlf;
    /** Saw {@code \.} CR at a line start in a CRLF COPY block. */
    private boolean markerCr;

    private String copyTable;
    private long copyBlocks;
    private boolean trailerSeen;
    private long lines;

    /** Feeds the next bytes of the dump. */
    public void accept(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (inCopy) {
                i = copyData(b, i, end);
            } else {
                int c = b[i++] & 0xff;
                if (c == '\n') {
                    endCodeLine();
                } else {
                    remember(c);
                    lexer.feed(c);
                }
            }
        }
    }

    /** Inside COPY data: only a line that is exactly {@code \.} matters; skip to line ends fast. */
    private int copyData(byte[] b, int i, int end) {
        while (i < end) {
            if (lineLength == 0) {
                // at a line start: the only interesting line is "\."
                byte c = b[i];
                if (c == '\\' || c == '\n') {
                    if (c == '\n') {
                        lines++;
                        i++;
                        continue;
                    }
                } else {
                    lineLength = 3; // any line not starting with a backslash is data: skip to its end
                }
            }
            if (lineLength >= 3) {
                i = skipDataLines(b, i, end);
                continue;
            }
            // lineLength 0..2 and the line started with a backslash: match "\.\n" byte by byte
            byte c = b[i++];
            if (lineLength == 0) {
                lineLength = 1; // saw '\'
            } else if (lineLength == 1) {
                lineLength = c == '.' ? 2 : (c == '\n' ? 0 : 3);
                if (c == '\n') {
                    lines++;
                }
            } else { // lineLength == 2: saw "\." (markerCr: "\." CR)
                if (c == '\n') {
                    inCopy = false;
                    markerCr = false;
                    lineLength = 0;
                    lines++;
                    lineStartsInCode = true;
                    return i;
                }
                if (c == '\r' && copyCrlf && !markerCr) {
                    markerCr = true;
                    continue;
                }
                markerCr = false;
                lineLength = 3;
            }
        }
        return end;
    }

    /**
     * In the middle of a data line (the byte before {@code i} is not a line's end): skips, eight bytes at
     * a time, every line up to the next one that starts with a backslash, the only kind that can be the
     * end marker, and counts the newlines passed. Returns that line's start (with {@code lineLength} 0), or
     * {@code end}, with {@code lineLength} 0 when {@code end} is a line start and 3 when it is inside a line.
     */
    private int skipDataLines(byte[] b, int i, int end) {
        long carry = 0; // 0x80 when the last byte of the previous word was a newline: its byte 0 starts a line
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long w = (long) WORDS.get(b, i);
            long nl = zeroBytes(w ^ NEWLINES);
            if ((nl | carry) == 0) {
                continue; // eight bytes inside one line
            }
            long lineStarts = nl << 8 | carry; // the byte after each newline
            long hit = zeroBytes(w ^ BACKSLASHES) & lineStarts;
            if (hit != 0) {
                int k = Long.numberOfTrailingZeros(hit) >>> 3; // a line starting with a backslash at i + k
                lines += Long.bitCount(nl & ((1L << (k << 3)) - 1));
                lineLength = 0;
                return i + k;
            }
            lines += Long.bitCount(nl);
            carry = (nl >>> 63) << 7;
        }
        if (carry != 0) {
            lineLength = 0; // the last word ended a line: i is a line start
            return i;
        }
        int nl = indexOfNewline(b, i, end);
        if (nl < 0) {
            return end;
        }
        lines++;
        lineLength = 0;
        return nl + 1;
    }

    /** 0x80 in each byte of {@code w} that is zero, 0 in every other byte (exact: no borrow between bytes). */
    private static long zeroBytes(long w) {
        return ~((w & LOW7) + LOW7 | w | LOW7);
    }

    private static int indexOfNewline(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void remember(int c) {
        if (lineLength < KEEP) {
            head[lineLength] = (byte) c;
        }
        tail[lineLength % tail.length] = (byte) c;
        lineLength++;
    }

    private void endCodeLine() {
        lexer.feed('\n');
        lines++;
        boolean startedInCode = lineStartsInCode;
        lineStartsInCode = lexer.inCode();
        int n = lineLength;
        lineLength = 0;
        if (!startedInCode) {
            trailerSeen = false; // a line of a multi-line string or body: content
            return;
        }
        int len = n;
        if (len > 0 && head[Math.min(len, KEEP) - 1] == '\r' && len <= KEEP) {
            len--;
        }
        if (len == 0) {
            return; // blank line
        }
        if (startsWith(len, TRAILER) && len == TRAILER.length()
                || startsWith(len, CLUSTER_TRAILER) && len == CLUSTER_TRAILER.length()) {
            trailerSeen = true;
            return;
        }
        if (startsWith(len, "--")) {
            return; // another comment
        }
        if (startsWith(len, "\\unrestrict ") || startsWith(len, "\\restrict ")) {
            return; // psql meta-commands pg_dump writes around the dump
        }
        trailerSeen = false;
        boolean crlf = tail[(n - 1) % tail.length] == '\r'; // n > 0 here
        if (startsWith(len, "COPY ") && lexer.inCode() && endsWithCopyFromStdin(crlf ? n - 1 : n)) {
            inCopy = true;
            copyCrlf = crlf;
            copyBlocks++;
            String line = new String(head, 0, Math.min(n, KEEP), StandardCharsets.UTF_8);
            copyTable = Objects.requireNonNullElse(CopyTarget.nameAt(line, "COPY ".length()), "?");
        }
    }

    private boolean startsWith(int len, String s) {
        if (len < s.length() || s.length() > KEEP) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (head[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean endsWithCopyFromStdin(int n) {
        if (n < COPY_END_SUFFIX.length) {
            return false;
        }
        for (int k = 0; k < COPY_END_SUFFIX.length; k++) {
            int idx = n - COPY_END_SUFFIX.length + k;
            if (tail[idx % tail.length] != COPY_END_SUFFIX[k]) {
                return false;
            }
        }
        return true;
    }

    /** Call at the end of the stream; returns the verdict. */
    public Verdict finish() {
        if (lineLength > 0 && !inCopy) {
            endCodeLine(); // a last line without its newline
        }
        if (inCopy) {
            return new Verdict(
                    false,
                    "Dump is incomplete: it ends inside the data of table " + copyTable
                            + " (COPY block not terminated by \\.)",
                    copyBlocks,
                    lines);
        }
        if (!lexer.inCode()) {
            return new Verdict(
                    false,
                    "Dump is incomplete: it ends inside a quoted string, dollar-quoted body or comment",
                    copyBlocks,
                    lines);
        }
        if (!trailerSeen) {
            return new Verdict(false, "Dump is incomplete: no '" + TRAILER + "' trailer at its end", copyBlocks, lines);
        }
        return new Verdict(
                true,
                "Dump completion trailer found (" + copyBlocks + " table data blocks, " + lines + " lines)",
                copyBlocks,
                lines);
    }

    /** Whether the dump is complete, and why not. */
    public record Verdict(boolean complete, String message, long copyBlocks, long lines) {}
}
