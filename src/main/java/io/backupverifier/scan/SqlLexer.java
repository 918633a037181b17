package io.backupverifier.scan;

import java.util.Arrays;

/**
 * Follows SQL text byte by byte the way psql's lexer does, to know whether a position is
 * in code or inside a quoted string, quoted identifier, dollar-quoted body or comment.
 * It knows {@code '...'} with doubled quotes, {@code E'...'} with backslash escapes,
 * {@code "..."}, {@code $tag$...$tag$}, {@code -- ...} and nested {@code /* ... * /}.
 *
 * <p>A semicolon ends a statement only where psql's lexer ends one: outside parentheses, and
 * outside {@code BEGIN ... END} blocks of a statement that starts with
 * {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE} (SQL-standard bodies, {@code BEGIN ATOMIC};
 * psql counts {@code CASE ... END} inside such a block too).
 *
 * <p>Works on bytes of any ASCII-compatible encoding: every byte that matters is ASCII, and
 * bytes of multi-byte characters count as identifier characters (as they do in PostgreSQL).
 */
public final class SqlLexer {

    private enum State {
        CODE,
        SINGLE,
        ESCAPED,
        ESCAPED_BACKSLASH,
        IDENT,
        DOLLAR_TAG,
        DOLLAR_BODY,
        LINE_COMMENT,
        BLOCK_COMMENT
    }

    private State state = State.CODE;
    private int prev = '\n'; // previous byte in CODE, for E'' and $ decisions
    private int pending; // a byte that may start a two-byte token: '-', '/', '*' or a closing quote
    private int blockDepth;
    private final StringBuilder tag = new StringBuilder();
    private int tagMatch; // bytes of "$tag$" matched so far inside a body
    private int parenDepth;
    private int beginDepth;
    private int identifierCount; // identifiers seen in this statement, as psql counts them
    private final char[] leading = new char[4]; // first letters of the first identifiers when they matter
    private final StringBuilder word = new StringBuilder();
    private boolean inWord; // in an identifier (or a number, when the word is empty)
    private boolean numberWord;
    private boolean routine; // the statement starts CREATE [OR REPLACE] FUNCTION|PROCEDURE
    private int prevPrev = '\n';
    /** True when the last byte fed was a {@code ;} that ends a statement. */
    private boolean statementEnd;

    /** True when the next byte starts in code: not inside any string, identifier, body or comment. */
    public boolean inCode() {
        return state == State.CODE && pending == 0;
    }

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
        words(c);
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
            case '(' -> parenDepth++;
            case ')' -> parenDepth = Math.max(0, parenDepth - 1);
            case ';' -> {
                if (parenDepth == 0 && beginDepth == 0) {
                    statementEnd = true;
                    parenDepth = 0;
                    identifierCount = 0;
                }
            }
            default -> {}
        }
        prevPrev = prev;
        prev = c;
    }

    /** Follows identifiers in code, for psql's BEGIN ... END counting. Called for every code byte. */
    private void words(int c) {
        if (identifierCount >= leading.length && !routine && !inWord) {
            return; // the statement's start decided it: no BEGIN ... END to count (the fast path for data)
        }
        boolean identStart = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
        boolean identCont = identStart || c >= '0' && c <= '9' || c == '$';
        if (inWord) {
            if (identCont) {
                if (word.length() <= 16) {
                    word.append((char) c);
                }
                return;
            }
            inWord = false;
            if (!numberWord) {
                identifier(word);
            }
            numberWord = false;
        }
        if (identStart && !isIdentChar(prev)) {
            inWord = true;
            numberWord = false;
            word.setLength(0);
            word.append((char) c);
        } else if (c >= '0' && c <= '9' && !isIdentChar(prev)) {
            inWord = true; // a number: its letters (1e5, 0x1F) are no identifier
            word.setLength(0);
            numberWord = true;
        }
    }

    /** psql's rule (psqlscan.l): count BEGIN/CASE ... END once a statement starts CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
    private void identifier(CharSequence w) {
        if (identifierCount == 0) {
            Arrays.fill(leading, (char) 0);
        }
        if (identifierCount < leading.length
                && (is(w, "create") || is(w, "function") || is(w, "procedure") || is(w, "or") || is(w, "replace"))) {
            leading[identifierCount] = (char) (w.charAt(0) | 0x20);
        }
        identifierCount++;
        routine = leading[0] == 'c'
                && (leading[1] == 'f'
                        || leading[1] == 'p'
                        || leading[1] == 'o' && leading[2] == 'r' && (leading[3] == 'f' || leading[3] == 'p'));
        if (routine && parenDepth == 0) {
            if (is(w, "begin")) {
                beginDepth++;
            } else if (is(w, "case")) {
                beginDepth += beginDepth >= 1 ? 1 : 0;
            } else if (is(w, "end")) {
                beginDepth = Math.max(0, beginDepth - 1);
            }
        }
    }

    /** Case-insensitive equality with a lower-case ASCII word, without allocating. */
    private static boolean is(CharSequence w, String lower) {
        if (w.length() != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if ((w.charAt(i) | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

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
