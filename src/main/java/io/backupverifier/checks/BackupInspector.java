package io.backupverifier.checks;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.scan.BackupScanner;
import io.backupverifier.scan.ScanResult;
import java.io.File;
import java.nio.file.Path;

/**
 * The first step of the check chain: one streaming pass over the backup
 * ({@link BackupScanner}) plus its sidecar, giving the {@link Verification} every check reads.
 */
public final class BackupInspector {

    private final BackupScanner scanner;
    private final MetadataReader metadataReader;
    private final BackupCatalog catalog;

    public BackupInspector(BackupScanner scanner, MetadataReader metadataReader, BackupCatalog catalog) {
        this.scanner = scanner;
        this.metadataReader = metadataReader;
        this.catalog = catalog;
    }

    /** Accepts a {@link Path}, {@link File} or path string, as the CLI, timers and the watcher send them. */
    public Verification inspect(Object backup) {
        Path file;
        if (backup instanceof Path p) {
            file = p;
        } else if (backup instanceof File f) {
            file = f.toPath();
        } else if (backup instanceof String s) {
            file = Path.of(s);
        } else {
            throw new IllegalArgumentException("not a backup path: " + backup);
        }
        file = file.toAbsolutePath().normalize();
        ScanResult scan = scanner.scan(file);
        Metadata metadata = metadataReader.read(file, scan.size());
        return new Verification(scan, metadata, catalog.categoryOf(file, metadata));
    }
}
