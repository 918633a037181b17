package io.backupverifier.app;

import io.backupverifier.catalog.BackupCatalog;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * The watcher's file filter: asks {@link BackupCatalog}, the same rules {@code verify --all} uses
 * (this program's own directories and files are never backups; a linked directory is not
 * entered). A FIFO or a link named like a backup is let through so that its verification reports
 * it: {@link io.backupverifier.catalog.RegularFiles} refuses to open it.
 */
public final class BackupFileFilter implements GenericFileFilter<Object> {

    private final BackupCatalog catalog;

    public BackupFileFilter(BackupCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        Path path;
        try {
            path = Path.of(file.getAbsoluteFilePath());
        } catch (InvalidPathException e) {
            // a name the platform encoding cannot hold (no UTF-8 locale): its verification says so
            return !file.isDirectory() && catalog.isBackupName(file.getFileNameOnly());
        }
        return file.isDirectory() ? catalog.isSearchedDir(path) : catalog.isBackup(path);
    }
}
