package io.backupverifier.restore;

import io.backupverifier.scan.GzipMagic;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * A backup's content as restore tests read it: inflated when the file is gzip, within
 * MAX_EXPANDED_SIZE and MAX_EXPANSION_RATIO (a gzip bomb never fills the work directory).
 * The backup itself is only read.
 */
record BackupContent(long maxExpanded, int maxRatio) {

    InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return GzipMagic.at(b0, b1)
                ? new ExpansionLimit(new GZIPInputStream(in, 1 << 16), Files.size(file), maxExpanded, maxRatio)
                : in;
    }

    /** True when the file itself is gzip (its content is not seekable). */
    static boolean gzip(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            return GzipMagic.at(raw.read(), raw.read());
        }
    }

    /** The content into a new work file of {@code kind} in {@code dir} (the caller removes it). */
    Path copy(Path file, WorkFiles kind, Path dir) throws IOException {
        Path copy = kind.create(dir);
        try (InputStream in = open(file)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy;
    }
}
