package io.backupverifier.checks;

import io.backupverifier.catalog.BackupCatalog;
import io.backupverifier.scan.BackupScanner;
import io.backupverifier.scan.ScanResult;
import io.backupverifier.sidecar.Metadata;
import io.backupverifier.sidecar.MetadataReader;
import java.io.File;
import java.nio.file.InvalidPathException;
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

    /**
     * Accepts a {@link Path}, {@link File} or path string, as the CLI, timers and the watcher send
     * them. Never throws for what is in or around the file: whatever goes wrong is this backup's
     * verdict, and the other backups of the run are verified as usual.
     */
    public Verification inspect(Object backup) {
        Path file;
        if (backup instanceof Path p) {
            file = p;
        } else if (backup instanceof File f) {
            file = pathOf(f.getPath());
        } else if (backup instanceof String s) {
            file = pathOf(s);
        } else {
            throw new IllegalArgumentException("not a backup path: " + backup);
        }
        file = file.toAbsolutePath().normalize();
        ScanResult scan;
        try {
            scan = scanner.scan(file, catalog.files());
        } catch (RuntimeException e) {
            scan = ScanResult.unread(
                    file,
                    "Cannot verify file: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        Metadata metadata = metadataReader.read(file, scan.size());
        return new Verification(scan, metadata, catalog.categoryOf(file, metadata));
    }

    /**
     * A path from text. A name the platform's encoding cannot hold (LANG unset) cannot be opened
     * through text at all: its verification then says so instead of stopping the run.
     */
    private static Path pathOf(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            StringBuilder safe = new StringBuilder();
            s.codePoints().forEach(c -> safe.append(c < 128 ? Character.toString(c) : "?"));
            return Path.of(safe.toString());
        }
    }
}
