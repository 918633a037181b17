package io.backupverifier.maintenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The seed's log housekeeping, in this program's own log directories only: gzip logs and
 * reports older than {@code archiveAfter}, delete archives older than {@code deleteAfter},
 * and delete the oldest archives while the directories are larger than {@code maxBytes}.
 * Only this program's files are touched (verification_*, restore_test_*, *_report_*), and
 * only regular files: a symbolic link, even one named like an old log, is never followed, read,
 * written or deleted. Archives are written to a new temporary file in the same directory and
 * moved into place atomically, so a link planted under the archive's name is replaced, not
 * written through, and nothing is ever written outside these directories. Other writers share
 * these directories (the alert sender removes its outbox files, a run may remove its own): a
 * file that goes away while it is looked at is simply no longer there to maintain.
 */
public final class LogMaintenance {

    private final List<Path> dirs;
    private final Duration archiveAfter;
    private final Duration deleteAfter;
    private final long maxBytes;
    private final Clock clock;

    public LogMaintenance(List<Path> dirs, Duration archiveAfter, Duration deleteAfter, long maxBytes, Clock clock) {
        this.dirs = dirs;
        this.archiveAfter = archiveAfter;
        this.deleteAfter = deleteAfter;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    static boolean ours(Path p) {
        String n = p.getFileName().toString();
        return n.matches(
                "(verification|restore_test|verification_report)_\\d{8}_\\d{6}(_\\d+)?\\.(log|txt|html|json)(\\.gz)?");
    }

    /** Returns one line per file archived or deleted. */
    public List<String> run() throws IOException {
        List<String> done = new ArrayList<>();
        Instant now = clock.instant();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            for (Path p : files(dir)) {
                Instant modified = modified(p);
                boolean archived = p.getFileName().toString().endsWith(".gz");
                if (!archived && modified.isBefore(now.minus(archiveAfter))) {
                    Path gz = p.resolveSibling(p.getFileName() + ".gz");
                    if (archive(p, gz, modified)) {
                        done.add("Archived " + p + " -> " + gz.getFileName());
                    }
                } else if (archived && modified.isBefore(now.minus(deleteAfter)) && Files.deleteIfExists(p)) {
                    done.add("Deleted " + p + " (older than " + deleteAfter.toDays() + " days)");
                }
            }
            List<Path> oldestFirst = new ArrayList<>(files(dir));
            oldestFirst.sort(Comparator.comparing(LogMaintenance::modified));
            long total = 0;
            for (Path p : oldestFirst) {
                total += size(p);
            }
            for (Path p : oldestFirst) {
                if (total <= maxBytes) {
                    break;
                }
                total -= size(p);
                if (Files.deleteIfExists(p)) {
                    done.add("Deleted " + p + " (log directory over " + maxBytes + " bytes)");
                }
            }
        }
        return done;
    }

    /**
     * gzip {@code log} into {@code gz}: a fresh temporary file (created exclusively, so never a
     * link), then an atomic rename over {@code gz} (which replaces whatever entry has that name,
     * a link included, without touching what it points to), then the log is removed. False when
     * the log went away before it could be read.
     */
    private static boolean archive(Path log, Path gz, Instant modified) throws IOException {
        Path tmp = Files.createTempFile(log.getParent(), "." + log.getFileName() + ".", ".tmp");
        try {
            InputStream opened;
            try {
                opened = Files.newInputStream(log, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
                return false;
            }
            try (InputStream in = opened;
                    OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp, LinkOption.NOFOLLOW_LINKS))) {
                in.transferTo(out);
            }
            // the archive keeps the log's age
            Files.getFileAttributeView(tmp, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(modified), null, null);
            Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.deleteIfExists(log);
        return true;
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static long size(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .size();
        } catch (NoSuchFileException gone) {
            return 0;
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            // walkFileTree does not follow links: attrs are the entry's own, so a link is never regular
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && ours(file)) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // listed, then removed by its writer before it was read
                }
                throw e;
            }
        });
        return out;
    }
}
