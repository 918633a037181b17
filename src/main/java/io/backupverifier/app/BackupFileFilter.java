package io.backupverifier.app;

import io.backupverifier.catalog.BackupCatalog;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
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
    private final WatchedFiles watched;

    public BackupFileFilter(BackupCatalog catalog) {
        this(catalog, null);
    }

    /** @param watched told of every backup and sidecar the watcher's polls list (null: nobody is) */
    public BackupFileFilter(BackupCatalog catalog, WatchedFiles watched) {
        this.catalog = catalog;
        this.watched = watched;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        if (file.isDirectory()) {
            try {
                return catalog.isSearchedDir(Path.of(file.getAbsoluteFilePath()));
            } catch (InvalidPathException e) {
                return false; // a directory the platform encoding cannot name: as before, not entered
            }
        }
        // by name only: camel-file enters a directory only when this filter accepted it (isSearchedDir above), so a
        // file's directories were all accepted in this poll; asking them again for each of 20,000 backups at every
        // poll is most of an idle watcher's work
        String name = file.getFileNameOnly();
        boolean backup = catalog.isBackupName(name);
        if (watched != null) {
            if (backup) {
                // the size and time camel-file reads anyway for the watcher's key
                watched.saw(file.getAbsoluteFilePath(), file.getFileLength(), file.getLastModified());
            } else if (isSidecar(name)) {
                sawSidecar(file);
            }
        }
        return backup;
    }

    /** A sidecar's size and time in one system call. */
    private void sawSidecar(GenericFile<Object> file) {
        try {
            BasicFileAttributes a = Files.readAttributes(((File) file.getFile()).toPath(), BasicFileAttributes.class);
            watched.saw(
                    file.getAbsoluteFilePath(), a.size(), a.lastModifiedTime().toMillis());
        } catch (IOException | RuntimeException e) {
            watched.saw(file.getAbsoluteFilePath(), -1, -1); // gone or unreadable since the listing: counted as such
        }
    }

    /** A backup's sidecar ({@code X.meta.json}, {@code X.sha256}): what the catalog reads besides the backups. */
    private static boolean isSidecar(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".meta.json") || lower.endsWith(".sha256");
    }
}
