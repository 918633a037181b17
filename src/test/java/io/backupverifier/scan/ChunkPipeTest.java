package io.backupverifier.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The hand-off between scan stages: every byte arrives once and in order, however it is written and read. */
class ChunkPipeTest {

    @Test
    void borrowedAndReadBytesAreTheBytesWrittenInOrder() throws Exception {
        byte[] data = new byte[3_000_000];
        new Random(1).nextBytes(data);
        ChunkPipe pipe = new ChunkPipe(3, 4096);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            Random r = new Random(2);
            try (ChunkPipe.Writer w = pipe.writer) {
                int i = 0;
                while (i < data.length) {
                    int n = Math.min(1 + r.nextInt(10_000), data.length - i);
                    if (r.nextBoolean()) {
                        w.write(data, i, n);
                    } else { // in place, as the decoder inflates
                        byte[] buf = w.buffer();
                        n = Math.min(n, buf.length - w.filled());
                        System.arraycopy(data, i, buf, w.filled(), n);
                        w.advance(n);
                    }
                    i += n;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Random r = new Random(3);
        byte[] buf = new byte[5000];
        while (true) {
            if (r.nextBoolean()) {
                ChunkPipe.Slice s = pipe.reader.borrow();
                if (s == null) {
                    break;
                }
                got.write(s.data(), s.offset(), s.length());
            } else {
                int n = pipe.reader.read(buf, 0, 1 + r.nextInt(buf.length));
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
        }
        writing.get();
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(pipe.reader.borrow()).isNull();
    }

    @Test
    void aReaderThatClosesEarlyNeverBlocksTheWriter() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2, 1024);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try (ChunkPipe.Writer w = pipe.writer) {
                for (int i = 0; i < 1000; i++) {
                    w.write(new byte[1000], 0, 1000);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(pipe.reader.borrow().length()).isEqualTo(1024);
        pipe.reader.close();
        writing.get(); // ends: later writes are dropped
    }
}
