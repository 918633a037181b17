package io.backupverifier.catalog;

import io.backupverifier.checks.Metadata;
import io.backupverifier.checks.MetadataReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which files under the backup directory are backups (DESIGN.md section 3), which is the
 * latest, and which category each belongs to. The watcher's file filter and
 * {@code verify --all} both ask this one class.
 */
public final class BackupCatalog {

    private static final List<String> TEMP_SUFFIXES = List.of("~", ".tmp", ".temp", ".part", ".partial", ".swp",
            ".crdownload", ".inprogress");

    private final Path backupDir;
    private final List<PathMatcher> include;
    private final List<Path> ownDirs;

    /**
     * @param backupDir the backup directory
     * @param includeGlobs file name globs of backups, e.g. {@code *.gz}
     * @param ownDirs this program's own directories (logs, reports, state), never backups even inside backupDir
     */
    public BackupCatalog(Path backupDir, List<String> includeGlobs, List<Path> ownDirs) {
        this.backupDir = backupDir.toAbsolutePath().normalize();
        this.include = includeGlobs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        this.ownDirs = ownDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** The catalog of the configured backup directory, patterns and own directories. */
    public static BackupCatalog of(io.backupverifier.config.Settings settings) {
        return new BackupCatalog(settings.backupDir(), settings.include(), settings.ownDirs());
    }

    public Path backupDir() {
        return backupDir;
    }

    /** Whether a file with this name is a backup (sidecars, hidden and temporary files are not). */
    public boolean isBackupName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.startsWith(".") || lower.endsWith(".meta.json") || lower.endsWith(".sha256")
                || TEMP_SUFFIXES.stream().anyMatch(lower::endsWith)) {
            return false;
        }
        Path fileName = Path.of(name);
        return include.stream().anyMatch(m -> m.matches(fileName));
    }

    /** Whether the watcher and {@code --all} should look inside this directory. */
    public boolean isSearchedDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!abs.equals(backupDir) && abs.getFileName() != null && abs.getFileName().toString().startsWith(".")) {
            return false;
        }
        return ownDirs.stream().noneMatch(abs::startsWith);
    }

    /** Every backup under the backup directory, sorted by path. */
    public List<Path> list() {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(backupDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return isSearchedDir(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && isBackupName(file.getFileName().toString())) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // an unreadable subdirectory does not hide the others
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list backup directory " + backupDir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }


    /** A backup with what the history checks need: category, time (created_at, else mtime) and size. */
    public record Entry(Path file, String category, Instant time, long size) { }

    /** Every backup with its category, time and size. */
    public List<Entry> entries() {
        MetadataReader reader = new MetadataReader();
        List<Entry> out = new ArrayList<>();
        for (Path p : list()) {
            try {
                long size = Files.size(p);
                Metadata m = reader.read(p, size);
                Instant at = m.createdAt() != null ? m.createdAt() : Files.getLastModifiedTime(p).toInstant();
                out.add(new Entry(p, categoryOf(p, m), at, size));
            } catch (IOException e) {
                // gone or unreadable since listed: its own verification says so
            }
        }
        return out;
    }

    private static final Comparator<Entry> OLDEST_FIRST = Comparator.comparing(Entry::time).thenComparing(Entry::file);

    /** The backup with the newest {@code created_at} (its modification time when it has no valid sidecar). */
    public Optional<Path> latest() {
        return entries().stream().max(OLDEST_FIRST).map(Entry::file);
    }

    /** The latest backup of each category (the weekly restore test's list), in category order. */
    public List<Path> latestPerCategory() {
        java.util.Map<String, Entry> latest = new java.util.TreeMap<>();
        for (Entry e : entries()) {
            latest.merge(e.category(), e, (a, b) -> OLDEST_FIRST.compare(a, b) >= 0 ? a : b);
        }
        return latest.values().stream().map(Entry::file).toList();
    }

    /** The sidecar's category, else a directory named daily/weekly/monthly on the path, else daily. */
    public String categoryOf(Path file, Metadata metadata) {
        if (metadata != null && metadata.category() != null) {
            return metadata.category();
        }
        Path abs = file.toAbsolutePath().normalize();
        Path rel = abs.startsWith(backupDir) ? backupDir.relativize(abs) : abs;
        for (int i = rel.getNameCount() - 2; i >= 0; i--) {
            String dir = rel.getName(i).toString().toLowerCase(Locale.ROOT);
            if (Metadata.CATEGORIES.contains(dir)) {
                return dir;
            }
        }
        return "daily";
    }
}
