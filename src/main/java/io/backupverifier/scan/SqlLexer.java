package io.backupverifier.scan;

/**
 * Follows SQL text byte by byte the way psql's lexer does, to know whether a position is
 * in code or inside a quoted string, quoted identifier, dollar-quoted body or comment.
 * It knows {@code '...'} with doubled quotes, {@code E'...'} with backslash escapes,
 * {@code "..."}, {@code $tag$...$tag$}, {@code -- ...} and nested {@code /* ... * /}.
 *
 * <p>Works on UTF-8 bytes: every byte that matters is ASCII, and bytes of multi-byte
 * characters count as identifier characters (as they do in PostgreSQL).
 */
public final class SqlLexer {

    private enum State { CODE, SINGLE, ESCAPED, ESCAPED_BACKSLASH, IDENT, DOLLAR_TAG, DOLLAR_BODY, LINE_COMMENT, BLOCK_COMMENT }

    private State state = State.CODE;
    private int prev = '\n';            // previous byte in CODE, for E'' and $ decisions
    private int pending;                // a byte that may start a two-byte token: '-', '/', '*' or a closing quote
    private int blockDepth;
    private final StringBuilder tag = new StringBuilder();
    private int tagMatch;               // bytes of "$tag$" matched so far inside a body

    /** True when the next byte starts in code: not inside any string, identifier, body or comment. */
    public boolean inCode() {
        return state == State.CODE && pending == 0;
    }

    /** True when the last byte fed was a {@code ;} that ends a statement. */
    private boolean statementEnd;

    public boolean statementEnded() {
        return statementEnd;
    }

    /** Feeds one byte (0-255). */
    public void feed(int c) {
        statementEnd = false;
        switch (state) {
            case CODE -> code(c);
            case SINGLE -> {
                if (pending == '\'') {
                    pending = 0;
                    if (c != '\'') { // not a doubled quote: the string ended before c
                        state = State.CODE;
                        code(c);
                    }
                } else if (c == '\'') {
                    pending = '\'';
                }
            }
            case ESCAPED -> {
                if (pending == '\'') {
                    pending = 0;
                    if (c != '\'') {
                        state = State.CODE;
                        code(c);
                    }
                } else if (c == '\\') {
                    state = State.ESCAPED_BACKSLASH;
                } else if (c == '\'') {
                    pending = '\'';
                }
            }
            case ESCAPED_BACKSLASH -> state = State.ESCAPED;
            case IDENT -> {
                if (pending == '"') {
                    pending = 0;
                    if (c != '"') {
                        state = State.CODE;
                        code(c);
                    }
                } else if (c == '"') {
                    pending = '"';
                }
            }
            case DOLLAR_TAG -> {
                if (c == '$') {
                    state = State.DOLLAR_BODY;
                    tagMatch = 0;
                } else if (isIdentChar(c) && !(tag.length() == 0 && c >= '0' && c <= '9')) {
                    tag.append((char) c);
                } else { // "$abc" followed by something else: not a dollar quote after all
                    state = State.CODE;
                    prev = c;
                    code(c);
                }
            }
            case DOLLAR_BODY -> body(c);
            case LINE_COMMENT -> {
                if (c == '\n') {
                    state = State.CODE;
                    prev = c;
                }
            }
            case BLOCK_COMMENT -> block(c);
        }
    }

    private void code(int c) {
        if (pending == '-') {
            pending = 0;
            if (c == '-') {
                state = State.LINE_COMMENT;
                return;
            }
            prev = '-';
        } else if (pending == '/') {
            pending = 0;
            if (c == '*') {
                state = State.BLOCK_COMMENT;
                blockDepth = 1;
                return;
            }
            prev = '/';
        }
        switch (c) {
            case '\'' -> state = (prev == 'E' || prev == 'e') && !isIdentChar(prevPrev) ? State.ESCAPED : State.SINGLE;
            case '"' -> state = State.IDENT;
            case '$' -> {
                if (!isIdentChar(prev)) {
                    state = State.DOLLAR_TAG;
                    tag.setLength(0);
                }
            }
            case '-', '/' -> {
                pending = c;
                return; // prev decided when the next byte comes
            }
            case ';' -> statementEnd = true;
            default -> { }
        }
        prevPrev = prev;
        prev = c;
    }

    private int prevPrev = '\n';

    private void body(int c) {
        // match "$" + tag + "$" as the closing delimiter
        int needLen = tag.length() + 2;
        int expected = tagMatch == 0 || tagMatch == needLen - 1 ? '$' : tag.charAt(tagMatch - 1);
        if (c == expected) {
            tagMatch++;
            if (tagMatch == needLen) {
                state = State.CODE;
                prev = '$';
                prevPrev = 0;
            }
        } else {
            tagMatch = c == '$' ? 1 : 0;
        }
    }

    private void block(int c) {
        if (pending == '*') {
            pending = 0;
            if (c == '/') {
                if (--blockDepth == 0) {
                    state = State.CODE;
                    prev = ' ';
                }
                return;
            }
        } else if (pending == '/') {
            pending = 0;
            if (c == '*') {
                blockDepth++;
                return;
            }
        }
        if (c == '*' || c == '/') {
            pending = c;
        }
    }

    /** Letters, digits, underscore and any non-ASCII byte, as in PostgreSQL identifiers. */
    static boolean isIdentChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80;
    }
}
