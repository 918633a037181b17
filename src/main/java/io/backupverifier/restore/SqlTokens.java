package io.backupverifier.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of one SQL statement, by the rules psql's lexer (and {@link io.backupverifier.scan.SqlLexer})
 * follows: comments are dropped, strings, quoted identifiers and dollar-quoted bodies are one
 * token each, so a word inside a literal is never mistaken for a keyword.
 */
final class SqlTokens {

    enum Type {
        WORD,
        QUOTED,
        STRING,
        NUMBER,
        PARAM,
        SYMBOL
    }

    /**
     * One token. {@code text} is the keyword upper-cased for a WORD, the name for a QUOTED
     * identifier, the symbol for a SYMBOL; {@code depth} is the parenthesis depth it stands at.
     */
    record Token(Type type, String text, int start, int end, int depth) {

        boolean is(String keyword) {
            return type == Type.WORD && text.equals(keyword);
        }

        boolean isSymbol(String symbol) {
            return type == Type.SYMBOL && text.equals(symbol);
        }

        /** An identifier as PostgreSQL folds it: unquoted lower-cased, quoted kept. */
        String name() {
            return type == Type.WORD ? text.toLowerCase(Locale.ROOT) : text;
        }
    }

    private SqlTokens() {}

    /** The first {@code limit} tokens of {@code sql}. */
    static List<Token> of(String sql, int limit) {
        List<Token> out = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        int depth = 0;
        while (i < n && out.size() < limit) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int nest = 0;
                do {
                    if (sql.startsWith("/*", i)) {
                        nest++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        nest--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (nest > 0 && i < n);
            } else if (c == '\'') {
                i = quoted(sql, i, '\'', false);
                out.add(new Token(Type.STRING, sql.substring(start, i), start, i, depth));
            } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                i = quoted(sql, i + 1, '\'', true);
                out.add(new Token(Type.STRING, sql.substring(start, i), start, i, depth));
            } else if (c == '"') {
                i = quoted(sql, i, '"', false);
                String body =
                        sql.substring(start + 1, Math.max(start + 1, i - 1)).replace("\"\"", "\"");
                out.add(new Token(Type.QUOTED, body, start, i, depth));
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                i++;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                out.add(new Token(Type.PARAM, sql.substring(start, i), start, i, depth));
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                i = close < 0 ? n : close + tag.length();
                out.add(new Token(Type.STRING, sql.substring(start, i), start, i, depth));
            } else if (identStart(c)) {
                while (i < n
                        && (identStart(sql.charAt(i)) || Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '$')) {
                    i++;
                }
                out.add(new Token(Type.WORD, sql.substring(start, i).toUpperCase(Locale.ROOT), start, i, depth));
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                while (i < n
                        && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) {
                    i++;
                }
                out.add(new Token(Type.NUMBER, sql.substring(start, i), start, i, depth));
            } else {
                i++;
                if (c == ')') {
                    depth = Math.max(0, depth - 1);
                }
                out.add(new Token(Type.SYMBOL, String.valueOf(c), start, i, depth));
                if (c == '(') {
                    depth++;
                }
            }
        }
        return out;
    }

    private static boolean identStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    /** After an opening quote at {@code i}: the index past the closing one. */
    private static int quoted(String sql, int i, char quote, boolean backslashEscapes) {
        int n = sql.length();
        i++;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** The end of a {@code $tag$} opening at {@code i}, or -1 when none starts there. */
    private static int dollarTagEnd(String sql, int i) {
        if (i > 0 && (identStart(sql.charAt(i - 1)) || Character.isDigit(sql.charAt(i - 1)))) {
            return -1;
        }
        int j = i + 1;
        while (j < sql.length() && (identStart(sql.charAt(j)) || j > i + 1 && Character.isDigit(sql.charAt(j)))) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
    }
}
