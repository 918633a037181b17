package io.backupverifier.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher asks for every backup at every poll: what is known verified costs no query. */
class WatcherIdempotencyTest {

    @TempDir
    Path dir;

    @Test
    void aVerifiedKeyIsAnsweredWithoutTheStoreAtEveryLaterPoll() throws Exception {
        DataSource store = DataSources.of("jdbc:sqlite:" + dir.resolve("results.db"), "", "");
        AtomicInteger connections = new AtomicInteger();
        DataSource counted = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    return method.invoke(store, args);
                });
        ResilientMessageIdRepository repo = new ResilientMessageIdRepository(counted, "watch-backups");
        repo.start();
        assertThat(repo.contains("a")).isFalse();
        assertThat(repo.add("a")).isTrue();
        assertThat(repo.confirm("a")).isTrue();

        ResilientMessageIdRepository afterRestart = new ResilientMessageIdRepository(counted, "watch-backups");
        afterRestart.start();
        assertThat(afterRestart.contains("a")).as("verified before the restart").isTrue();
        int before = connections.get();
        for (int poll = 0; poll < 1000; poll++) {
            assertThat(afterRestart.contains("a")).isTrue();
        }
        assertThat(connections.get()).isEqualTo(before);
        assertThat(afterRestart.contains("b"))
                .as("a new backup is still asked of the store")
                .isFalse();
        assertThat(connections.get()).isGreaterThan(before);
        ((AutoCloseable) store).close();
    }
}
