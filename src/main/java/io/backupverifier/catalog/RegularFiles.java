package io.backupverifier.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one rule for which files this program opens under the backup directory (backups and
 * their sidecars alike): regular files only. A symbolic link is followed only when it leads
 * to a regular file inside the backup directory; FIFOs, devices, sockets, directories and
 * links to anything else are refused with a one-line reason, never opened (a FIFO would block
 * the reader forever, {@code /dev/zero} would never end). A file named outside the backup
 * directory (e.g. {@code verify /tmp/x.gz}) is held to its own directory the same way.
 */
public final class RegularFiles {

    /** Why a file is not read: its message is the one-line reason, naming the file. */
    public static final class RefusedFileException extends IOException {
        private static final long serialVersionUID = 1L;

        public RefusedFileException(String message) {
            super(message);
        }
    }

    private final Path root;

    public RegularFiles(Path backupDir) {
        this.root = backupDir.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Whether {@code file} is the backup directory or lies under it, by name (no link resolved). */
    public boolean isUnderRoot(Path file) {
        return file.toAbsolutePath().normalize().startsWith(root);
    }

    /**
     * The real path to open for {@code file}: the file itself, or the target of a link that stays
     * inside the backup directory.
     *
     * @throws RefusedFileException when the file must not be read, saying why
     * @throws NoSuchFileException  when there is no such file
     */
    public Path check(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        Path base = abs.startsWith(root) ? root : abs.getParent();
        String name = String.valueOf(abs.getFileName());
        BasicFileAttributes own = Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!own.isRegularFile() && !own.isSymbolicLink()) {
            throw new RefusedFileException(name + " is " + kind(abs, own) + ", not a regular file: not read");
        }
        Path real;
        try {
            real = abs.toRealPath();
        } catch (NoSuchFileException e) {
            throw new RefusedFileException(name + " is a symbolic link to nothing (" + link(abs) + "): not read");
        }
        Path realBase = base.equals(root) ? realRoot(false) : realOr(base);
        if (!real.startsWith(realBase) && base.equals(root)) {
            realBase = realRoot(true); // the directory itself may have been moved or re-linked meanwhile
        }
        if (!real.startsWith(realBase)) {
            throw new RefusedFileException(name + " leads to " + real + ", outside " + base + ": not read");
        }
        BasicFileAttributes target = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!target.isRegularFile()) {
            throw new RefusedFileException(
                    name + " leads to " + real + ", " + kind(real, target) + ", not a regular file: not read");
        }
        return real;
    }

    /** The backup directory's real path, and when it was resolved ({@link System#nanoTime}). */
    private record RealRoot(Path path, long at) {}

    /** How long the backup directory's real path is reused: a walk checks thousands of sidecars a second. */
    private static final long REAL_ROOT_FOR_NANOS = 1_000_000_000L;

    private volatile RealRoot realRoot;

    private Path realRoot(boolean fresh) {
        RealRoot r = realRoot;
        long now = System.nanoTime();
        if (fresh || r == null || now - r.at() > REAL_ROOT_FOR_NANOS) {
            r = new RealRoot(realOr(root), now);
            realRoot = r;
        }
        return r.path();
    }

    /** Opens {@code file} for reading after {@link #check}; the final name is never followed again. */
    public FileChannel open(Path file) throws IOException {
        return FileChannel.open(check(file), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads a small file (a sidecar) whole, after checking its size: never more than
     * {@code maxBytes}, even if it grows while being read.
     *
     * @throws RefusedFileException when it is not a regular file or is larger than {@code maxBytes}
     */
    public byte[] readSmall(Path file, long maxBytes) throws IOException {
        Path real = check(file);
        long size = Files.size(real);
        if (size > maxBytes) {
            throw new RefusedFileException(
                    file.getFileName() + " is larger than " + maxBytes / 1024 + " KiB: not read");
        }
        try (InputStream in =
                Channels.newInputStream(FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            byte[] data = in.readNBytes((int) maxBytes + 1);
            if (data.length > maxBytes) {
                throw new RefusedFileException(
                        file.getFileName() + " is larger than " + maxBytes / 1024 + " KiB: not read");
            }
            return data;
        }
    }

    /**
     * The file next to {@code file} whose name is {@code file}'s plus {@code suffix} (e.g.
     * {@code .meta.json}), byte for byte: a name that is not valid in the platform's encoding
     * (LANG unset, invalid UTF-8) keeps its exact bytes, where going through a String would
     * lose them or fail. {@code suffix} must be plain ASCII.
     */
    public static Path sibling(Path file, String suffix) {
        Path name = file.getFileName();
        if (name != null && isAscii(name.toString())) { // its bytes are its characters: no round trip through a URI
            return file.toAbsolutePath().resolveSibling(name + suffix);
        }
        String uri = file.toAbsolutePath().toUri().toString();
        if (uri.endsWith("/")) { // a directory: the suffix goes on its name, not inside it
            uri = uri.substring(0, uri.length() - 1);
        }
        return Path.of(URI.create(uri + suffix));
    }

    /**
     * The file name as UTF-8 text from its bytes, whatever the platform's encoding (a byte
     * that is not UTF-8 becomes U+FFFD): the name a sidecar's {@code file} field holds.
     */
    public static String utf8Name(Path file) {
        Path name = file.getFileName();
        if (name != null && isAscii(name.toString())) {
            return name.toString();
        }
        String raw = file.toAbsolutePath().toUri().getRawPath();
        if (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        String last = raw.substring(raw.lastIndexOf('/') + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c == '%' && i + 2 < last.length()) {
                bytes.write(Integer.parseInt(last.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Only characters below 128: a name the platform decoded to plain ASCII was plain ASCII
     * bytes (a byte it could not decode becomes U+FFFD), so it goes back to the same bytes.
     */
    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static Path realOr(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static String link(Path p) {
        try {
            return "-> " + Files.readSymbolicLink(p);
        } catch (IOException | UnsupportedOperationException e) {
            return "unreadable link";
        }
    }

    /** "a FIFO (named pipe)", "a character device", ...: what a file that is not regular is. */
    static String kind(Path p, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            switch (mode & 0170000) {
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | RuntimeException e) {
            // no unix view: say what we know
        }
        return "a special file";
    }
}
