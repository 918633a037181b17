package io.backupverifier.restore;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.sidecar.MetadataReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** The restore tester as the tests make it: one shared target, every file of {@code dir} a backup. */
final class Testers {

    private Testers() {}

    /** A tester whose target outlives each test (the test class starts and stops it). */
    static RestoreTester of(RestoreTester.Options options, Supplier<RestoreTarget> targets, Path dir) {
        return new RestoreTester(
                options,
                targets,
                true,
                new BackupCatalog(dir, List.of("*"), List.of()),
                new MetadataReader(),
                Clock.systemDefaultZone());
    }
}
