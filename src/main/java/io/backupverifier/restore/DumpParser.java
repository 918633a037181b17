package io.backupverifier.restore;

import io.backupverifier.scan.SqlLexer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a plain pg_dump into what psql would see: SQL statements, backslash meta-commands,
 * and the data of {@code COPY ... FROM stdin} blocks, streamed, with the line each starts on.
 * Statements are split with {@link SqlLexer}, so a semicolon inside a string, a quoted
 * identifier, a dollar-quoted body or a comment does not end one.
 */
public final class DumpParser {

    /** What the restorer does with each piece. */
    public interface Handler {
        void statement(String sql, long line) throws Exception;

        /** A line starting with a backslash where a statement could start. */
        void metaCommand(String command, long line) throws Exception;

        /**
         * The data of a {@code COPY ... FROM stdin} statement: {@code data} yields the rows, up to
         * and without the terminating {@code \.} line. It must be read to its end before returning.
         */
        void copy(String copySql, long line, InputStream data) throws Exception;
    }

    private static final int MAX_META = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[256 * 1024];
    private int pos;
    private int limit;
    private long line = 1;

    public DumpParser(InputStream in) {
        this.in = in;
    }

    public void parse(Handler handler) throws Exception {
        SqlLexer lexer = new SqlLexer();
        ByteArrayOutputStream stmt = new ByteArrayOutputStream();
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
                if (isCommentOnly(stmt.toString(StandardCharsets.UTF_8))) {
                    stmt.reset();
                }
                continue;
            }
            if (stmt.size() == 0) {
                stmtLine = line;
            }
            stmt.write(c);
            lexer.feed(c);
            if (c == '\n') {
                line++;
            }
            if (lexer.statementEnded()) {
                String raw = stmt.toString(StandardCharsets.UTF_8);
                stmt.reset();
                long at = stmtLine + leadingLines(raw);
                String sql = withoutLeadingComments(raw);
                if (isCommentOnly(sql)) {
                    continue;
                }
                if (isCopyFromStdin(sql)) {
                    skipRestOfLine();
                    long dataLine = line;
                    CopyData data = new CopyData();
                    handler.copy(sql, at, data);
                    if (!data.ended) {
                        throw new DumpFormatException("COPY data starting at line " + dataLine
                                + " was not read to its end by the restorer");
                    }
                } else {
                    handler.statement(sql, at);
                }
            }
        }
        String raw = stmt.toString(StandardCharsets.UTF_8);
        String rest = withoutLeadingComments(raw);
        if (!rest.isEmpty() && !isCommentOnly(rest)) {
            long at = stmtLine + leadingLines(raw);
            if (!lexer.inCode()) {
                throw new DumpFormatException("dump ends inside a quoted string, body or comment of the statement at line " + at);
            }
            handler.statement(rest, at); // psql runs a last statement without its semicolon too
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
        return raw.substring(0, Math.max(at, 0)).chars().filter(ch -> ch == '\n').count();
    }

    private static boolean isBlank(ByteArrayOutputStream b) {
        return b.size() == 0;
    }

    /** Statements made only of comments (pg_dump's "-- Name: ..." headers) are not sent. */
    private static boolean isCommentOnly(String sql) {
        String s = sql.replaceAll("(?m)^\\s*--.*$", "").strip();
        return s.isEmpty() || s.equals(";");
    }

    static boolean isCopyFromStdin(String sql) {
        String s = sql.replaceAll("\\s+", " ").strip();
        return s.regionMatches(true, 0, "COPY ", 0, 5) && s.toUpperCase().endsWith(" FROM STDIN;");
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
        return b.toString(StandardCharsets.UTF_8).strip();
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
                pos += 2;                          // "\." at the very end of the dump
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
