package io.backupverifier.catalog;

import io.backupverifier.config.Settings;
import io.backupverifier.sidecar.Category;
import io.backupverifier.sidecar.Metadata;
import io.backupverifier.sidecar.MetadataReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which files under the backup directory are backups (DESIGN.md section 3), which is the
 * latest, and which category each belongs to. The watcher's file filter and
 * {@code verify --all} both ask this one class.
 */
public final class BackupCatalog {

    private static final List<String> TEMP_SUFFIXES =
            List.of("~", ".tmp", ".temp", ".part", ".partial", ".swp", ".crdownload", ".inprogress");
    /** Directories named like this program's defaults: its own, wherever they sit (an old default, a copied tree). */
    private static final List<String> OWN_DIR_NAMES = List.of("verification_logs", "restore_test_logs");
    /** This program's own files: the results store (and SQLite's companions), its logs, reports and alerts. */
    private static final Pattern OWN_FILE = Pattern.compile("results\\.db(-journal|-wal|-shm)?"
            + "|(verification|restore_test|verification_report)_\\d{8}_\\d{6}(_\\d+)?\\.(log|txt|html|json)(\\.gz)?"
            + "|alert_\\d{8}_\\d{6}_\\d+\\.json");

    private final Path backupDir;
    private final List<Pattern> include;
    private final List<Path> ownDirs;
    private final RegularFiles files;
    private final Duration clockSkew;

    /**
     * @param backupDir the backup directory
     * @param includeGlobs file name globs of backups, e.g. {@code *.gz}
     * @param ownDirs this program's own directories (logs, reports, state), never backups even inside backupDir
     */
    public BackupCatalog(Path backupDir, List<String> includeGlobs, List<Path> ownDirs) {
        this(backupDir, includeGlobs, ownDirs, MetadataReader.DEFAULT_CLOCK_SKEW);
    }

    /** @param clockSkew how far in the future a sidecar's {@code created_at} may be before it is a lie */
    public BackupCatalog(Path backupDir, List<String> includeGlobs, List<Path> ownDirs, Duration clockSkew) {
        this.clockSkew = clockSkew;
        this.backupDir = backupDir.toAbsolutePath().normalize();
        this.include = includeGlobs.stream().map(Globs::toRegex).toList();
        this.ownDirs = ownDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.files = new RegularFiles(this.backupDir);
    }

    /** The catalog of the configured backup directory, patterns and own directories. */
    public static BackupCatalog of(Settings settings) {
        return new BackupCatalog(
                settings.backupDir(), settings.include(), settings.ownDirs(), settings.duration("metadata.clock-skew"));
    }

    /** A sidecar reader under this catalog's rules (which files may be opened, how far ahead created_at may be). */
    public MetadataReader metadataReader() {
        return new MetadataReader(files, Clock.systemUTC(), clockSkew);
    }

    public Path backupDir() {
        return backupDir;
    }

    /** Which files may be opened: regular files, links only to regular files inside the backup directory. */
    public RegularFiles files() {
        return files;
    }

    /**
     * Whether a file with this name is a backup (sidecars, hidden and temporary files, and this
     * program's own files are not). Matched as text, so a name the platform cannot encode still matches.
     */
    public boolean isBackupName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.startsWith(".")
                || lower.endsWith(".meta.json")
                || lower.endsWith(".sha256")
                || TEMP_SUFFIXES.stream().anyMatch(lower::endsWith)
                || OWN_FILE.matcher(name).matches()) {
            return false;
        }
        return include.stream().anyMatch(m -> m.matcher(name).matches());
    }

    /**
     * Whether the watcher and {@code --all} should look inside this directory: not hidden, not
     * one of this program's own directories (configured, or named like its defaults), and not a
     * symbolic link (a link could lead anywhere on the host, or back into itself).
     */
    public boolean isSearchedDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.equals(backupDir)) {
            return true;
        }
        String name = abs.getFileName() == null ? "" : abs.getFileName().toString();
        if (name.startsWith(".") || OWN_DIR_NAMES.contains(name) || Files.isSymbolicLink(abs)) {
            return false;
        }
        return ownDirs.stream().noneMatch(abs::startsWith);
    }

    /** Whether a path found under the backup directory is a backup: the watcher's filter and {@link #list()} agree. */
    public boolean isBackup(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        for (Path d = parent; d != null && d.startsWith(backupDir); d = d.getParent()) {
            if (!isSearchedDir(d)) {
                return false;
            }
        }
        return abs.getFileName() != null && isBackupName(abs.getFileName().toString());
    }

    /** Every backup under the backup directory, sorted by path. */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        walk().forEach(f -> out.add(f.file()));
        return out;
    }

    /** A backup as the walk found it, with its own attributes (a link's, not its target's). */
    private record Found(Path file, BasicFileAttributes attrs) {}

    private List<Found> walk() {
        List<Found> found = new ArrayList<>();
        try {
            Files.walkFileTree(backupDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return isSearchedDir(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                // not only regular files: a FIFO or a link named like a backup is listed so that its
                // verification reports it (RegularFiles refuses to open it), never silently skipped
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isDirectory() && isBackupName(file.getFileName().toString())) {
                        found.add(new Found(file, attrs));
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
        found.sort(Comparator.comparing(Found::file));
        return found;
    }

    /** A backup with what the history checks need: category, time (created_at, else mtime) and size. */
    public record Entry(Path file, String category, Instant time, long size) {}

    /** Every backup with its category, time and size: a new walk. */
    public List<Entry> entries() {
        return snapshot().entries();
    }

    /** One walk of the backup directory, each sidecar parsed once. */
    public CatalogSnapshot snapshot() {
        long taken = System.nanoTime();
        MetadataReader reader = metadataReader();
        List<Found> found = walk();
        List<Entry> out = new ArrayList<>(found.size());
        Set<Path> listed = new HashSet<>();
        for (Found f : found) {
            Path p = f.file();
            listed.add(p);
            try {
                // a regular file the walk found inside the directory (it enters no linked directory) is what
                // RegularFiles would open: its size and time are the walk's. A FIFO or a link is checked, and a
                // link out is never the latest backup.
                boolean regular = f.attrs().isRegularFile();
                long size = regular ? f.attrs().size() : Files.size(files.check(p));
                Metadata m = reader.read(p, size);
                Instant at = m.createdAt() != null
                        ? m.createdAt()
                        : regular
                                ? f.attrs().lastModifiedTime().toInstant()
                                : Files.getLastModifiedTime(p).toInstant();
                out.add(new Entry(p, categoryOf(p, m), at, size));
            } catch (IOException | RuntimeException e) {
                // gone, unreadable or refused: its own verification says so
            }
        }
        return new CatalogSnapshot(taken, listed, out);
    }

    /**
     * The snapshot the verifications of a run share (the size history of {@code size_anomaly}):
     * taken again only when {@code file} is a backup under the directory that it does not know
     * (it arrived since), after the watcher saw the directory change ({@link #changed}), or when
     * it is older than {@link #SHARED_FOR} (backups deleted since). A run over N backups walks
     * the directory once, not N times.
     */
    public CatalogSnapshot shared(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return shared(s -> s.knows(abs) || !files.isUnderRoot(abs));
    }

    /**
     * The same snapshot for the status page, {@code /api/backups} and the report: walked again only
     * after the watcher saw a backup or a sidecar appear, change or go ({@link #changed}), or when
     * older than {@link #SHARED_FOR}. A request over 20,000 backups does not walk them.
     */
    public CatalogSnapshot current() {
        return shared(s -> true);
    }

    /**
     * The backups or their sidecars changed (the watcher's poll saw it): the next {@link #current}
     * or {@link #shared} walks again. Cheap; the walk happens when the snapshot is next asked for.
     */
    public void changed() {
        generation.incrementAndGet();
    }

    private CatalogSnapshot shared(Predicate<CatalogSnapshot> serves) {
        Shared s = shared;
        if (fits(s, serves)) {
            return s.snapshot();
        }
        synchronized (this) { // the parallel verifications of a run, and requests, wait for one walk
            s = shared;
            if (!fits(s, serves)) {
                long seen = generation.get(); // before the walk: a change during it makes the result stale
                s = new Shared(snapshot(), seen);
                shared = s;
            }
            return s.snapshot();
        }
    }

    /** How long a shared snapshot serves the backups it knows. */
    static final Duration SHARED_FOR = Duration.ofMinutes(10);

    /** A snapshot and the count of changes seen before its walk began. */
    private record Shared(CatalogSnapshot snapshot, long generation) {}

    private volatile Shared shared;
    private final AtomicLong generation = new AtomicLong();

    private boolean fits(Shared s, Predicate<CatalogSnapshot> serves) {
        return s != null
                && s.generation() == generation.get()
                && System.nanoTime() - s.snapshot().takenNanos() < SHARED_FOR.toNanos()
                && serves.test(s.snapshot());
    }

    private static final Comparator<Entry> OLDEST_FIRST =
            Comparator.comparing(Entry::time).thenComparing(Entry::file);

    /** The backup with the newest {@code created_at} (its modification time when it has no valid sidecar). */
    public Optional<Path> latest() {
        return entries().stream().max(OLDEST_FIRST).map(Entry::file);
    }

    /** The latest backup of each category (the weekly restore test's list), in category order. */
    public List<Path> latestPerCategory() {
        Map<String, Entry> latest = new TreeMap<>();
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
            if (Category.of(dir).isPresent()) {
                return dir;
            }
        }
        return Category.DEFAULT.id();
    }
}
