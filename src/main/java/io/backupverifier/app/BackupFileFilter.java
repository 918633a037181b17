package io.backupverifier.app;

import io.backupverifier.catalog.BackupCatalog;
import java.nio.file.Path;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/** The watcher's file filter: asks {@link BackupCatalog}, the same rules {@code verify --all} uses. */
public final class BackupFileFilter implements GenericFileFilter<Object> {

    private final BackupCatalog catalog;

    public BackupFileFilter(BackupCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        Path path = Path.of(file.getAbsoluteFilePath());
        return file.isDirectory() ? catalog.isSearchedDir(path) : catalog.isBackupName(file.getFileNameOnly());
    }
}
