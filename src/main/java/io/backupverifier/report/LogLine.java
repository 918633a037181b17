package io.backupverifier.report;

import io.backupverifier.checks.CheckStatus;

/** A seed-style output line: {@code [LEVEL] message}. */
public record LogLine(String level, String message) {

    public static final String INFO = "INFO";
    public static final String SUCCESS = "SUCCESS";
    public static final String WARNING = "WARNING";
    public static final String ERROR = "ERROR";

    /** The seed's level for a check status: PASSED is SUCCESS, FAILED and ERROR are ERROR, SKIPPED is INFO. */
    public static String levelOf(CheckStatus status) {
        return switch (status) {
            case PASSED -> SUCCESS;
            case WARNING -> WARNING;
            case FAILED, ERROR -> ERROR;
            case SKIPPED -> INFO;
        };
    }

    /** One line whatever the message holds: a file name cannot forge a line or drive the terminal. */
    @Override
    public String toString() {
        return "[" + level + "] " + printable(message);
    }

    /**
     * {@code text} with every control character escaped: newline and tab as {@code \n} and
     * {@code \t}, other C0 controls, DEL and C1 controls as {@code \xNN}, and the Unicode
     * line separators and bidirectional overrides as a backslash, u and four hex digits. The one escaping used
     * wherever a name reaches text a person or a log reader sees (run logs, stdout, mail).
     */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String esc = c == '\n'
                    ? "\\n"
                    : c == '\r'
                            ? "\\r"
                            : c == '\t'
                                    ? "\\t"
                                    : c < 0x20 || c >= 0x7f && c <= 0x9f
                                            ? String.format("\\x%02x", (int) c)
                                            : c == 0x2028
                                                            || c == 0x2029
                                                            || c >= 0x202a && c <= 0x202e
                                                            || c >= 0x2066 && c <= 0x2069
                                                    ? String.format("\\u%04x", (int) c)
                                                    : null;
            if (esc != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (esc != null) {
                    out.append(esc);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
