package io.backupverifier.sidecar;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A backup's category, as a sidecar names it or a directory on its path says: the retention
 * and freshness policies are per category. Written here once; everywhere else reads it.
 */
public enum Category {
    DAILY,
    WEEKLY,
    MONTHLY;

    /** A backup that says nothing of its category is daily. */
    public static final Category DEFAULT = DAILY;

    /** The name as sidecars, directories, output and settings write it: daily, weekly, monthly. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every category's name, in order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Category::id).toList();
    }

    public static Optional<Category> of(String id) {
        return Arrays.stream(values()).filter(c -> c.id().equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id();
    }
}
