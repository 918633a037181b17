package io.backupverifier.catalog;

import java.util.regex.Pattern;

/**
 * File name globs ({@code *.gz}, {@code backup_??.{gz,dump}}, {@code [a-z]*.db}) as regular
 * expressions over the name as text. The JDK's glob matcher needs a {@link java.nio.file.Path},
 * and making one from a name the platform encoding cannot hold (LANG unset, a non-ASCII name)
 * fails; matching text never does.
 */
final class Globs {

    private Globs() {}

    static Pattern toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '{' -> {
                    re.append("(?:");
                    inGroup = true;
                }
                case '}' -> {
                    re.append(inGroup ? ")" : "\\}");
                    inGroup = false;
                }
                case ',' -> re.append(inGroup ? "|" : ",");
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end);
                        if (set.startsWith("!")) {
                            set = "^" + set.substring(1);
                        }
                        re.append('[')
                                .append(set.replace("\\", "\\\\").replace("[", "\\["))
                                .append(']');
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
