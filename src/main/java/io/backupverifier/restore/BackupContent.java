package io.backupverifier.restore;

import io.backupverifier.scan.GzipMagic;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * A backup's content as restore tests read it: inflated when the file is gzip, within
 * MAX_EXPANDED_SIZE and MAX_EXPANSION_RATIO (a gzip bomb never fills the work directory).
 * The backup itself is only read, and only here: what a restore test restored is what was
 * hashed ({@link DigestedFile}).
 */
record BackupContent(long maxExpanded, int maxRatio) {

    /** The content, for a look at its first bytes. */
    InputStream open(Path file) throws IOException {
        return open(file, sha256 -> {});
    }

    /**
     * The content. Read to its end and closed, {@code read} hears the SHA-256 of the file's bytes as
     * they were read (the compressed ones for gzip): the content this restore test tested. Not read
     * to its end (the restore stopped early), it hears nothing.
     */
    InputStream open(Path file, Consumer<String> read) throws IOException {
        DigestedFile raw = new DigestedFile(Files.newInputStream(file));
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        InputStream content = GzipMagic.at(b0, b1)
                ? new ExpansionLimit(new GZIPInputStream(in, 1 << 16), Files.size(file), maxExpanded, maxRatio)
                : in;
        return new Hashed(content, raw, read);
    }

    /** The content into a new work file of {@code kind} in {@code dir} (the caller removes it); {@code read} as for {@link #open}. */
    Path copy(Path file, WorkFiles kind, Path dir, Consumer<String> read) throws IOException {
        Path copy = kind.create(dir);
        try (InputStream in = open(file, read)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy;
    }

    /** Content that, closed after its end, hands on the hash of the whole file. */
    private static final class Hashed extends FilterInputStream {
        private final DigestedFile raw;
        private final Consumer<String> read;
        private boolean ended;

        Hashed(InputStream content, DigestedFile raw, Consumer<String> read) {
            super(content);
            this.raw = raw;
            this.read = read;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                if (ended) {
                    raw.readRest(); // gzip ends at its last member, the file may go on
                    read.accept(raw.sha256());
                }
            } catch (IOException e) {
                // the rest cannot be read: no hash, so no verdict tied to this content
            } finally {
                super.close();
            }
        }
    }
}
