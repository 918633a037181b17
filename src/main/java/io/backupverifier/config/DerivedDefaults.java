package io.backupverifier.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The defaults that follow from other keys: the log directories from {@code BACKUP_DIR}, the
 * state and outbox from the log directory, the results store in the state directory. An empty
 * value means the derived default, wherever the empty value was written.
 */
final class DerivedDefaults {

    /** The keys whose empty value is derived here. */
    static final List<String> KEYS = List.of(
            "log.dir", "restore.log-dir", "state.dir", "alert.outbox-dir", "restore.work-dir", "results.db-url");

    private DerivedDefaults() {}

    /**
     * Fills one derived key when it is empty, and says its value is the default. Keys are filled
     * in the order of {@link #KEYS}: each may use {@code backup.dir} and those before it.
     */
    static void fill(Layers layers, String key) {
        if (layers.values().get(key).isBlank()) {
            layers.put(key, derive(key, layers.values()), Layers.Source.DEFAULT);
        }
    }

    private static String derive(String key, Map<String, String> v) {
        return switch (key) {
            case "log.dir" ->
                Path.of(v.get("backup.dir")).resolve("verification_logs").toString();
            case "restore.log-dir" ->
                Path.of(v.get("backup.dir")).resolve("restore_test_logs").toString();
            case "state.dir" -> Path.of(v.get("log.dir")).resolve("state").toString();
            case "alert.outbox-dir" ->
                Path.of(v.get("log.dir")).resolve("outbox").toString();
            case "restore.work-dir" -> System.getProperty("java.io.tmpdir");
            case "results.db-url" ->
                "jdbc:sqlite:" + Path.of(v.get("state.dir")).resolve("results.db");
            default -> throw new IllegalArgumentException(key + " has no derived default");
        };
    }
}
