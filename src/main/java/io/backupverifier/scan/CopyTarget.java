package io.backupverifier.scan;

/**
 * The table a {@code COPY} statement names, read one way for the dump scanner's message and the
 * restore's row counts: a possibly qualified name as the dump writes it ({@code public.t},
 * {@code "S"."T"}), its parts plain identifiers or double-quoted ones.
 */
public final class CopyTarget {

    private CopyTarget() {}

    /**
     * The name that starts at {@code from} (just after {@code COPY} and its space), as written, or
     * null when none starts there ({@code COPY (SELECT ...)}). A quoted part that does not end
     * within {@code sql} (a line cut short) runs to its end.
     */
    public static String nameAt(CharSequence sql, int from) {
        int n = sql.length();
        int end = -1;
        int i = from;
        while (i < n) {
            int partEnd = partEnd(sql, i);
            if (partEnd == i) {
                break;
            }
            end = partEnd;
            int dot = spaceEnd(sql, partEnd);
            if (dot >= n || sql.charAt(dot) != '.') {
                break;
            }
            i = spaceEnd(sql, dot + 1);
        }
        return end < 0 ? null : sql.subSequence(from, end).toString();
    }

    /** The end of the identifier starting at {@code i}; {@code i} itself when none starts there. */
    private static int partEnd(CharSequence sql, int i) {
        int n = sql.length();
        char c = sql.charAt(i);
        if (c == '"') {
            int j = i + 1;
            while (j < n) {
                if (sql.charAt(j) == '"') {
                    if (j + 1 < n && sql.charAt(j + 1) == '"') {
                        j += 2; // "" is a quote inside the name
                        continue;
                    }
                    return j + 1;
                }
                j++;
            }
            return n;
        }
        if (!identStart(c)) {
            return i;
        }
        int j = i + 1;
        while (j < n && (identStart(sql.charAt(j)) || Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '$')) {
            j++;
        }
        return j;
    }

    private static int spaceEnd(CharSequence sql, int i) {
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    /** As PostgreSQL: letters, underscore and any non-ASCII character start an identifier. */
    private static boolean identStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }
}
