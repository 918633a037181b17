package io.backupverifier.restore;

import io.backupverifier.scan.SqlLexer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a plain pg_dump into what psql would see: SQL statements, backslash meta-commands,
 * and the data of {@code COPY ... FROM stdin} blocks, streamed, with the line each starts on.
 * Statements are split with {@link SqlLexer}, so a semicolon inside a string, a quoted
 * identifier, a dollar-quoted body, a comment, parentheses or a {@code BEGIN ATOMIC} body does
 * not end one.
 *
 * <p>Text is decoded in the dump's declared {@code client_encoding} (UTF-8 until a
 * {@code SET client_encoding} says otherwise; that statement is consumed here, not passed on):
 * statements reach the handler as strings, COPY data as bytes in that encoding
 * ({@link ClientEncodings#toUtf8} turns them into UTF-8). Bytes that are not valid UTF-8 in a UTF-8 dump fail
 * naming their line, and a statement longer than the bound fails without being buffered further.
 */
public final class DumpParser {

    /** What the restorer does with each piece. */
    public interface Handler {
        void statement(DumpStatement statement, long line) throws Exception;

        /** A line starting with a backslash where a statement could start. */
        void metaCommand(String command, long line) throws Exception;

        /**
         * The data of a {@code COPY ... FROM stdin} statement: {@code data} yields the rows, up to
         * and without the terminating {@code \.} line. It must be read to its end before returning.
         */
        void copy(DumpStatement copy, long line, InputStream data, Charset encoding) throws Exception;
    }

    /** The default bound on one statement's length: far above any statement pg_dump writes. */
    public static final long DEFAULT_MAX_STATEMENT = 1L << 30;

    private static final int MAX_META = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[256 * 1024];
    private int pos;
    private int limit;
    private long line = 1;
    private final long maxStatement;
    private Charset encoding = StandardCharsets.UTF_8;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    public DumpParser(InputStream in) {
        this(in, DEFAULT_MAX_STATEMENT);
    }

    public DumpParser(InputStream in, long maxStatement) {
        this.in = in;
        this.maxStatement = Math.min(maxStatement, Integer.MAX_VALUE - 16);
    }

    public void parse(Handler handler) throws Exception {
        SqlLexer lexer = new SqlLexer();
        Bytes stmt = new Bytes(maxStatement);
        long stmtLine = 0;
        int c;
        while ((c = next()) >= 0) {
            if (stmt.size() == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                if (c == '\n') {
                    line++;
                }
                continue; // between statements
            }
            if (c == '\\' && lexer.inCode()) {
                // as in psql, a backslash outside quotes starts a meta-command, wherever it stands
                long metaLine = line;
                handler.metaCommand(readMetaLine(), metaLine);
                if (isCommentOnly(stmt.toString(encoding))) {
                    stmt.reset();
                }
                continue;
            }
            if (stmt.size() == 0) {
                stmtLine = line;
            }
            if (stmt.size() >= maxStatement) {
                throw new DumpFormatException("the statement at line " + stmtLine + " is longer than " + maxStatement
                        + " bytes (RESTORE_MAX_STATEMENT): not a statement pg_dump writes");
            }
            stmt.write(c);
            lexer.feed(c);
            if (c == '\n') {
                line++;
            }
            if (lexer.statementEnded()) {
                String raw = decode(stmt, stmtLine);
                stmt.reset();
                long at = stmtLine + leadingLines(raw);
                DumpStatement st = DumpStatement.of(withoutLeadingComments(raw));
                if (st.isEmpty()) {
                    continue;
                }
                if (st.kind() == DumpStatement.Kind.CLIENT_ENCODING) {
                    encoding = st.startsWith("RESET")
                            ? StandardCharsets.UTF_8
                            : ClientEncodings.charsetOf(st.settingValue(), at);
                    continue;
                }
                if (st.kind() == DumpStatement.Kind.COPY_FROM_STDIN) {
                    skipRestOfLine();
                    long dataLine = line;
                    CopyData data = new CopyData();
                    handler.copy(st, at, data, encoding);
                    if (!data.ended) {
                        throw new DumpFormatException(
                                "COPY data starting at line " + dataLine + " was not read to its end by the restorer");
                    }
                } else {
                    handler.statement(st, at);
                }
            }
        }
        String raw = decode(stmt, stmtLine);
        DumpStatement rest = DumpStatement.of(withoutLeadingComments(raw));
        if (!rest.isEmpty()) {
            long at = stmtLine + leadingLines(raw);
            if (!lexer.inCode()) {
                throw new DumpFormatException(
                        "dump ends inside a quoted string, body or comment of the statement at line " + at);
            }
            handler.statement(rest, at); // psql runs a last statement without its semicolon too
        }
    }

    /** The statement's text in the dump's encoding; bytes that are not valid UTF-8 in a UTF-8 dump fail naming their line. */
    private String decode(Bytes stmt, long firstLine) throws DumpFormatException {
        if (encoding != StandardCharsets.UTF_8) {
            return stmt.toString(encoding);
        }
        String text = stmt.toString(StandardCharsets.UTF_8); // the fast decoder; it marks bad bytes with U+FFFD
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        byte[] b = stmt.toByteArray();
        try {
            utf8.decode(ByteBuffer.wrap(b));
            return text; // a real U+FFFD in the dump
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(b);
            long badLine = firstLine;
            for (int i = 0; i < bad; i++) {
                badLine += b[i] == '\n' ? 1 : 0;
            }
            throw new DumpFormatException(String.format(
                    "line %d is not valid UTF-8 (byte 0x%02X) and the dump declares no other " + "client_encoding",
                    badLine, b[Math.min(bad, b.length - 1)] & 0xff));
        }
    }

    /** The offset of the first byte that does not decode as UTF-8. */
    private static int firstInvalidUtf8(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length + 1);
        d.decode(in, out, true);
        return in.position();
    }

    /** The bytes of the statement being read: ByteArrayOutputStream without its per-byte lock. */
    private static final class Bytes {
        private final long max;
        private byte[] buf = new byte[8192];
        private int count;

        Bytes(long max) {
            this.max = max;
        }

        int size() {
            return count;
        }

        void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, buf.length * 2L)); // never more than the bound
            }
            buf[count++] = (byte) b;
        }

        void reset() {
            count = 0;
            if (buf.length > 1 << 20) {
                buf = new byte[8192]; // one huge statement does not keep its memory for the rest of the dump
            }
        }

        String toString(Charset cs) {
            return new String(buf, 0, count, cs);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** pg_dump puts a "-- Name: ...; Type: ..." header before each statement: not part of it. */
    static String withoutLeadingComments(String raw) {
        String sql = raw.stripLeading();
        while (sql.startsWith("--")) {
            int nl = sql.indexOf('\n');
            sql = nl < 0 ? "" : sql.substring(nl + 1).stripLeading();
        }
        return sql.strip();
    }

    /** How many lines the comments and blank lines before the statement itself take. */
    static long leadingLines(String raw) {
        String body = withoutLeadingComments(raw);
        int at = body.isEmpty() ? raw.length() : raw.indexOf(body);
        return raw.substring(0, Math.max(at, 0))
                .chars()
                .filter(ch -> ch == '\n')
                .count();
    }

    /** Statements made only of comments (pg_dump's "-- Name: ..." headers) are not sent. */
    private static boolean isCommentOnly(String sql) {
        String s = sql.replaceAll("(?m)^\\s*--.*$", "").strip();
        return s.isEmpty() || s.equals(";");
    }

    private String readMetaLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write('\\');
        int c;
        while ((c = next()) >= 0 && c != '\n') {
            if (b.size() < MAX_META) {
                b.write(c);
            }
        }
        if (c == '\n') {
            line++;
        }
        return b.toString(encoding).strip();
    }

    private void skipRestOfLine() throws IOException {
        int c;
        while ((c = next()) >= 0 && c != '\n') {
            // pg_dump ends the COPY line right after the semicolon
        }
        line++;
    }

    private int next() throws IOException {
        if (pos == limit) {
            limit = in.read(buf, 0, buf.length);
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return buf[pos++] & 0xff;
    }

    /** The rows of one COPY block, read straight from the parser's buffer up to the {@code \.} line. */
    private final class CopyData extends InputStream {
        private boolean ended;
        private boolean atLineStart = true;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            int n = 0;
            while (n < len) {
                if (pos == limit) {
                    if (n > 0) {
                        return n;
                    }
                    limit = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        throw new DumpFormatException("dump ends inside the data of a COPY block (no \\. line)");
                    }
                }
                if (atLineStart && buf[pos] == '\\') {
                    if (n > 0) {
                        return n; // look at a possible end marker with the buffer to ourselves
                    }
                    if (startsEndMarker()) {
                        ended = true;
                        return -1;
                    }
                }
                // copy whole lines while they fit: one scan for newlines, one arraycopy
                int end = Math.min(limit, pos + (len - n));
                int i = pos;
                while (i < end && buf[i] != '\n') {
                    i++;
                }
                boolean newline = i < end;
                int count = (newline ? i + 1 : end) - pos;
                System.arraycopy(buf, pos, b, off + n, count);
                pos += count;
                n += count;
                atLineStart = newline;
                if (newline) {
                    line++;
                }
            }
            return n;
        }

        /** At a line start: is this line "\." ? Consumes it if so. Needs up to 3 bytes of look-ahead. */
        private boolean startsEndMarker() throws IOException {
            if (buf[pos] != '\\') {
                return false;
            }
            ensure(4);
            int avail = limit - pos;
            if (avail < 2 || buf[pos + 1] != '.') {
                return false;
            }
            if (avail == 2) {
                pos += 2; // "\." at the very end of the dump
            } else if (buf[pos + 2] == '\n') {
                pos += 3;
            } else if (buf[pos + 2] == '\r') {
                pos += avail > 3 && buf[pos + 3] == '\n' ? 4 : 3;
            } else {
                return false;
            }
            line++;
            return true;
        }

        /** Makes at least n bytes available from pos when the stream has them (compacts the buffer). */
        private void ensure(int n) throws IOException {
            if (limit - pos >= n) {
                return;
            }
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
            while (limit < n) {
                int r = in.read(buf, limit, buf.length - limit);
                if (r <= 0) {
                    return;
                }
                limit += r;
            }
        }
    }
}
