package io.backupverifier.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keys nobody reads: a typo in {@code .env}, {@code application.properties} or the environment
 * otherwise passes silently and the default is used. Names the closest known key (Levenshtein
 * distance at most 2), the way git says "did you mean".
 */
public final class UnknownKeys {

    /** Environment variables with these prefixes are ours; others belong to the rest of the host. */
    static final List<String> PREFIXES = List.of(
            "BACKUP_",
            "SMTP_",
            "ALERT_",
            "RESTORE_",
            "DB_",
            "VERIFICATION_",
            "ADMIN_",
            "RESULTS_",
            "HTTP_",
            "WATCH_",
            "FRESHNESS_",
            "RETENTION_",
            "SIZE_",
            "MIN_BACKUP",
            "MAX_BACKUP",
            "MAX_EXPAN",
            "METADATA_",
            "VERIFY_",
            "DAILY_",
            "WEEKLY_",
            "MAINTENANCE_",
            "EMBEDDED_PG",
            "PG_BIN",
            "STATE_",
            "DATABASE_",
            "CONSISTENCY_",
            "TEST_DB");
    /** Read by the launcher, not by {@link Settings}. */
    static final Set<String> OTHER_NAMES = Set.of("LOG_LEVEL", "BACKUP_VERIFIER_HOME");

    static final int MAX_DISTANCE = 2;

    private UnknownKeys() {}

    /** The known name closest to {@code key}, if one is within {@link #MAX_DISTANCE} edits. */
    public static Optional<String> closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String k : known) {
            int d = distance(key.toUpperCase(), k.toUpperCase());
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Unknown keys of {@code application.properties}: every one is reported (nothing else reads
     * that file), except Camel's own {@code camel.*} settings.
     */
    static List<ConfigNotice> inProperties(Collection<String> keys) {
        List<String> known = Settings.ALL.stream().map(Setting::property).toList();
        List<ConfigNotice> out = new ArrayList<>();
        for (String k : keys) {
            if (!known.contains(k) && !k.startsWith("camel.")) {
                out.add(notice(k, closest(k, known), "application.properties"));
            }
        }
        return out;
    }

    /**
     * Unknown variables of a {@code .env} or the environment: only those that look like ours (a
     * known prefix) and are close to a known name; a {@code .env} shared with the application
     * being backed up has many keys that are not ours.
     */
    static List<ConfigNotice> inEnvironment(Map<String, String> vars, String where) {
        List<String> known =
                new ArrayList<>(Settings.ALL.stream().map(Setting::env).toList());
        known.addAll(OTHER_NAMES);
        List<ConfigNotice> out = new ArrayList<>();
        for (String k : vars.keySet().stream().sorted().toList()) {
            if (known.contains(k) || PREFIXES.stream().noneMatch(k::startsWith)) {
                continue;
            }
            Optional<String> near = closest(k, known);
            if (near.isPresent()) {
                out.add(notice(k, near, where));
            }
        }
        return out;
    }

    private static ConfigNotice notice(String key, Optional<String> near, String where) {
        return new ConfigNotice(
                ConfigNotice.WARNING,
                key,
                key + ": unknown" + near.map(n -> ", did you mean " + n + "?").orElse(" key, ignored") + " (" + where
                        + ")");
    }
}
