package io.backupverifier.config;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * A consistency query is one statement that reads: it begins with SELECT, WITH, VALUES or TABLE.
 * The PostgreSQL driver runs every statement of a string it is given, so {@code SET TRANSACTION
 * READ WRITE; DELETE FROM users; COMMIT; SELECT 0} would write on the live database. The query is
 * split by the driver's own parser (quotes, dollar quotes, comments), as the driver would split it
 * when sending it, under either setting of {@code standard_conforming_strings}.
 */
public final class ReadOnlyQuery {

    private static final Set<String> READING = Set.of("SELECT", "WITH", "VALUES", "TABLE");
    private static final String RULE = "a consistency query is one SELECT, WITH, VALUES or TABLE statement";

    private ReadOnlyQuery() {}

    /** Refuses a query that is not one statement beginning with SELECT, WITH, VALUES or TABLE, saying why. */
    public static void check(String sql) {
        int statements = Math.max(statements(sql, true), statements(sql, false));
        if (statements == 0) {
            throw new IllegalArgumentException("is empty: " + RULE);
        }
        if (statements > 1) {
            throw new IllegalArgumentException("holds " + statements + " statements: " + RULE);
        }
        String first = firstWord(sql);
        if (!READING.contains(first.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    (first.isEmpty() ? "does not begin with a keyword" : "begins with " + first) + ": " + RULE);
        }
    }

    /** The statements the driver would send; a trailing {@code ;} or comment is none. */
    private static int statements(String sql, boolean standardConformingStrings) {
        List<NativeQuery> parsed;
        try {
            parsed = Parser.parseJdbcSql(sql, standardConformingStrings, false, true, false, false);
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot be parsed: " + e.getMessage(), e);
        }
        return (int) parsed.stream()
                .filter(q -> skipComments(q.nativeSql.toCharArray()) < q.nativeSql.length())
                .count();
    }

    /** The leading word after whitespace and comments; empty when something else comes first. */
    private static String firstWord(String sql) {
        char[] c = sql.toCharArray();
        int start = skipComments(c);
        int end = start;
        while (end < c.length && Character.isLetter(c[end])) {
            end++;
        }
        return sql.substring(start, end);
    }

    /** Where the first character that is neither whitespace nor in a comment is. */
    private static int skipComments(char[] c) {
        int i = 0;
        while (i < c.length) {
            if (Character.isWhitespace(c[i])) {
                i++;
            } else if (c[i] == '-' && i + 1 < c.length && c[i + 1] == '-') {
                i = Parser.parseLineComment(c, i) + 1;
            } else if (c[i] == '/' && i + 1 < c.length && c[i + 1] == '*') {
                i = afterBlockComment(c, i);
            } else {
                break;
            }
        }
        return Math.min(i, c.length); // an unclosed comment runs to the end
    }

    // Where the block comment at start ends, as the server reads it: nested, and the star that
    // opens it never closes it. The driver's Parser.parseBlockComment reads that star twice and
    // ends "/*/" at its slash, so "/*/ SELECT */ DELETE FROM t" passed for a SELECT while the
    // server ran the DELETE.
    private static int afterBlockComment(char[] c, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < c.length) {
            if (c[i] == '/' && c[i + 1] == '*') {
                depth++;
                i += 2;
            } else if (c[i] == '*' && c[i + 1] == '/') {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return c.length;
    }
}
