package io.backupverifier.scan;

import io.backupverifier.catalog.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a backup file exactly once and establishes every fact the file checks need:
 * SHA-256, gzip members with CRC32/ISIZE, the content's kind, and (for tar, SQLite and
 * plain dumps) whether the content reads to its proper end.
 *
 * <p>Three stages run concurrently, joined by bounded {@link ChunkPipe}s: a reader thread
 * reads the file and feeds SHA-256, the calling thread inflates, and a third thread
 * inspects the content. Inflate is the slowest stage, so the others hide behind it, and
 * memory is a few megabytes whatever the size of the file. The file is opened for reading
 * only.
 */
public final class BackupScanner {

    private static final int CHUNK = 256 * 1024;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService workers;
    private final Map<Path, Future<ScanResult>> ahead = new ConcurrentHashMap<>();
    private final ScanProgress progress;
    private final long maxExpanded;
    private final int maxRatio;

    /**
     * @param workers     runs the reader and inspector stages, two tasks per scan at a time; its owner shuts it
     *                    down (the application: Camel's thread pool manager, when Camel stops)
     * @param maxExpanded a gzip backup whose content passes this many bytes fails at once
     * @param maxRatio    as does one inflating more than this many times its compressed size (0 = no limit)
     */
    public BackupScanner(ExecutorService workers, ScanProgress progress, long maxExpanded, int maxRatio) {
        this.workers = workers;
        this.progress = progress;
        this.maxExpanded = maxExpanded;
        this.maxRatio = maxRatio;
    }

    /** A scanner with its own pool of daemon threads, which end once idle for a minute (tests, tools). */
    public BackupScanner(ScanProgress progress) {
        this(ownPool(), progress, Long.MAX_VALUE, 1000);
    }

    /** A pool of daemon threads that end once idle for a minute: for a scanner made before Camel runs. */
    public static ExecutorService ownPool() {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bv-scan-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public BackupScanner() {
        this(new ScanProgress());
    }

    /** Scans a file under the rule of its own directory (a file named on the command line, tests). */
    public ScanResult scan(Path file) {
        return scan(file, new RegularFiles(file.toAbsolutePath().normalize().getParent()));
    }

    /**
     * Starts scanning {@code file} now, on a thread of its own, for a later {@link #scan(Path, RegularFiles)}
     * of the same path to pick up: a command that verifies one file starts reading it while the
     * application is still starting, so start-up and the scan overlap on two cores.
     */
    public void scanAhead(Path file, RegularFiles files) {
        Path key = file.toAbsolutePath().normalize();
        ahead.computeIfAbsent(key, k -> workers.submit(() -> scanNow(k, files)));
    }

    /**
     * Scans {@code file} if {@code files} allows it to be opened (a regular file, or a link to one
     * inside the backup directory); anything else is reported unread, so a FIFO never blocks and
     * {@code /dev/zero} is never read. A scan of this path started by {@link #scanAhead} is waited for instead.
     */
    public ScanResult scan(Path file, RegularFiles files) {
        Future<ScanResult> started = ahead.remove(file.toAbsolutePath().normalize());
        if (started != null) {
            try {
                return started.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying " + file, e);
            } catch (ExecutionException e) {
                // the scan ahead failed in a way scan never does (an Error): scan again here, where it is reported
            }
        }
        return scanNow(file, files);
    }

    private ScanResult scanNow(Path file, RegularFiles files) {
        long started = System.currentTimeMillis();
        BasicFileAttributes attrs;
        Path real;
        try {
            real = files.check(file);
            attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (RegularFiles.RefusedFileException e) {
            return ScanResult.unread(file, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return ScanResult.unread(file, "Cannot read file: " + describe(e));
        }
        ChunkPipe raw = new ChunkPipe(8, CHUNK);
        ChunkPipe content = new ChunkPipe(8, CHUNK);
        ScanProgress.Scan handle = progress.start(file, attrs.size());
        try {
            Future<String> hashing = workers.submit(() -> readAndHash(real, raw.writer, handle));
            Future<ContentReport> inspecting = workers.submit(() -> {
                try (InputStream in = content.reader) {
                    return new ContentInspector().inspect(in);
                }
            });
            GzipReport gzip = decode(raw.reader, content.writer);
            String readError = null;
            String sha = null;
            try {
                sha = hashing.get();
            } catch (ExecutionException e) {
                readError = "Cannot read file: " + describe(e.getCause());
            }
            ContentReport report;
            try {
                report = inspecting.get();
            } catch (ExecutionException e) {
                String why = "Content could not be inspected: " + describe(e.getCause());
                report = new ContentReport(ContentKind.UNKNOWN, why, 0, why, null, null);
            }
            if (readError != null) {
                gzip = GzipReport.notGzip(readError, GzipReport.Problem.UNREADABLE);
                report = new ContentReport(
                        report.kind(), report.description(), report.bytes(), readError, null, report.trailer());
            }
            return new ScanResult(
                    file,
                    attrs.size(),
                    attrs.lastModifiedTime().toInstant(),
                    readError,
                    sha,
                    gzip,
                    report,
                    System.currentTimeMillis() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying " + file, e);
        } finally {
            progress.end(handle);
        }
    }

    /** The calling thread's stage: inflate (or pass through) and drain, so hashing sees every byte. */
    private GzipReport decode(InputStream rawIn, OutputStream contentOut) {
        try (InputStream raw = rawIn;
                OutputStream content = contentOut) {
            PushbackInputStream in = new PushbackInputStream(raw, 2);
            byte[] magic = in.readNBytes(2);
            in.unread(magic);
            GzipReport gzip;
            if (GzipMagic.at(magic)) {
                gzip = new GzipDecoder(maxExpanded, maxRatio).decode(in, content);
            } else {
                in.transferTo(content);
                gzip = magic.length == 0
                        ? GzipReport.notGzip("File is empty: no gzip data", GzipReport.Problem.EMPTY)
                        : GzipReport.notGzip(
                                String.format("Not a gzip file: starts with %s, not 1f 8b", hex(magic)),
                                GzipReport.Problem.NOT_GZIP);
            }
            in.transferTo(OutputStream.nullOutputStream());
            return gzip;
        } catch (IOException e) {
            return GzipReport.notGzip("Cannot read file: " + describe(e), GzipReport.Problem.UNREADABLE);
        }
    }

    private static String readAndHash(Path file, ChunkPipe.Writer out, ScanProgress.Scan handle) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        // the real path RegularFiles checked, opened without following a link swapped in since
        try (ChunkPipe.Writer o = out;
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] own = null; // once the decoder has stopped reading: the rest is only hashed
            while (true) {
                // read into the pipe's next chunk in place: no copy of the file's bytes
                byte[] buf = o.buffer();
                int at = buf == null ? 0 : o.filled();
                if (buf == null) {
                    own = own == null ? new byte[CHUNK] : own;
                    buf = own;
                }
                int n = ch.read(ByteBuffer.wrap(buf, at, buf.length - at));
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    sha.update(buf, at, n);
                    handle.add(n);
                    if (buf != own) {
                        o.advance(n);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(s.length() > 0 ? " " : "").append(String.format("%02x", x));
        }
        return s.toString();
    }

    static String describe(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file (" + e.getMessage() + ")";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
