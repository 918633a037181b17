package io.backupverifier.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's flags (SEED.md: {@code verify-backup.sh --backup-file X}, {@code verify_backup
 * --database-check}, {@code --test-restore}) still work: they become the command that replaces
 * them, and a line on stderr names it, so that cron lines can be updated at leisure.
 */
final class SeedFlags {

    /** Seed flag -> the command that does the same. */
    private static final Map<String, String> COMMANDS =
            Map.of("--database-check", "check-db", "--test-restore", "restore-test");

    private SeedFlags() {}

    static String[] translate(String[] args, PrintStream err) {
        List<String> in = List.of(args);
        boolean noCommand = in.isEmpty() || in.get(0).startsWith("-");
        boolean verify = !noCommand && in.get(0).equals("verify");
        if (!noCommand && !verify) {
            return args;
        }
        List<String> rest = new ArrayList<>(verify ? in.subList(1, in.size()) : in);
        String command = verify ? "verify" : null;
        for (Map.Entry<String, String> e : COMMANDS.entrySet()) {
            if (rest.remove(e.getKey())) {
                command = e.getValue();
            }
        }
        boolean changed = command != null && !command.equals("verify")
                || in.stream().anyMatch(a -> a.equals("--backup-file") || a.startsWith("--backup-file="));
        if (!changed) {
            return args;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--backup-file") && i + 1 < rest.size()) {
                out.add(rest.get(++i));
            } else if (a.startsWith("--backup-file=")) {
                out.add(a.substring("--backup-file=".length()));
            } else {
                out.add(a);
            }
        }
        out.add(0, command == null ? "verify" : command);
        err.println("[INFO] "
                + String.join(
                        " ",
                        in.stream()
                                .filter(a -> a.startsWith("--backup-file") || COMMANDS.containsKey(a))
                                .map(a -> a.split("=", 2)[0])
                                .distinct()
                                .toList())
                + " is the old script's flag; running: backup-verifier " + String.join(" ", out));
        return out.toArray(String[]::new);
    }
}
