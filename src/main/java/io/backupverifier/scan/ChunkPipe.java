package io.backupverifier.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded hand-off of bytes from one thread to another: the writer side is an
 * {@link OutputStream}, the reader side an {@link InputStream}. It lets the stages
 * of the one-pass scan (read + SHA-256, inflate, inspect content) run on different
 * cores while memory stays at {@code chunks * chunkSize} whatever the file's size.
 *
 * <p>If the reader closes early (it has seen enough), later writes are discarded, so
 * the writer never blocks on a reader that is gone.
 */
final class ChunkPipe {

    private record Chunk(byte[] data, int length) {}

    private static final Chunk END = new Chunk(new byte[0], -1);

    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Chunk> full;
    private volatile boolean readerGone;

    final Writer writer = new Writer();
    final Reader reader = new Reader();

    /** Bytes lent by {@link Reader#borrow()}: {@code data[offset, offset + length)}. */
    record Slice(byte[] data, int offset, int length) {}

    ChunkPipe(int chunks, int chunkSize) {
        free = new ArrayBlockingQueue<>(chunks);
        full = new ArrayBlockingQueue<>(chunks + 1); // +1: END always fits, put never waits on a gone reader
        for (int i = 0; i < chunks; i++) {
            free.add(new byte[chunkSize]);
        }
    }

    /**
     * The writing side. Besides {@code write}, a producer may fill the next chunk in place
     * ({@link #buffer()}, {@link #advance(int)}), saving a copy of every byte.
     */
    final class Writer extends OutputStream {
        private byte[] current;
        private int length;
        private boolean closed;

        /** The chunk being filled, from {@link #filled()} to its end; null once the reader has gone. */
        byte[] buffer() throws IOException {
            if (current == null && !readerGone) {
                current = takeFree();
                length = 0;
            }
            return readerGone ? null : current;
        }

        /** How much of {@link #buffer()} is filled already. */
        int filled() {
            return length;
        }

        /** Counts {@code n} more bytes of {@link #buffer()} as written; a full chunk goes to the reader. */
        void advance(int n) throws IOException {
            length += n;
            if (length == current.length) {
                flush();
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0 && !readerGone) {
                if (current == null) {
                    current = takeFree();
                    if (current == null) {
                        return; // reader went away while we waited
                    }
                    length = 0;
                }
                int n = Math.min(len, current.length - length);
                System.arraycopy(b, off, current, length, n);
                length += n;
                off += n;
                len -= n;
                if (length == current.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (current != null && length > 0) {
                put(new Chunk(current, length));
                current = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                flush();
                put(END);
            }
        }
    }

    /**
     * The reading side: closing it early discards what the writer still sends. Besides {@code read}, a
     * consumer may take the rest of the current chunk in place ({@link #borrow()}), saving a copy of every byte.
     */
    final class Reader extends InputStream {
        private Chunk current;
        private int pos;
        private boolean ended;

        /**
         * The next bytes in the writer's own buffer, without a copy, or null at the end. They stay valid
         * until the next {@code borrow}, {@code read} or {@code close} of this reader, which hands the
         * buffer back to the writer.
         */
        Slice borrow() throws IOException {
            if (!advanceToData()) {
                return null;
            }
            Slice s = new Slice(current.data(), pos, current.length() - pos);
            pos = current.length();
            return s;
        }

        /** Moves to a chunk with bytes left in it; false at the end of the stream. */
        private boolean advanceToData() throws IOException {
            while (!ended && (current == null || pos == current.length())) {
                if (current != null) {
                    free.offer(current.data());
                }
                current = take();
                pos = 0;
                if (current == END) {
                    ended = true;
                    current = null;
                }
            }
            return !ended;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!advanceToData()) {
                return -1;
            }
            int n = Math.min(len, current.length() - pos);
            System.arraycopy(current.data(), pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            readerGone = true;
            Chunk c;
            while ((c = full.poll()) != null) {
                if (c != END) {
                    free.offer(c.data());
                }
            }
        }
    }

    private byte[] takeFree() throws IOException {
        try {
            byte[] b;
            while ((b = free.poll(50, TimeUnit.MILLISECONDS)) == null) {
                if (readerGone) {
                    return null;
                }
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for buffer space");
        }
    }

    private void put(Chunk c) throws IOException {
        if (readerGone && c != END) {
            return;
        }
        try {
            full.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing over data");
        }
    }

    private Chunk take() throws IOException {
        try {
            return full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for data");
        }
    }
}
