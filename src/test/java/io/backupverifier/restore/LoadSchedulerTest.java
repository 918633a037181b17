package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deadlock victim runs again alone, once; what waits for it still waits. A read (amcheck of one
 * index) waits for its table's data and keys, then runs beside the other jobs on that table.
 */
class LoadSchedulerTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final LoadScheduler scheduler = new LoadScheduler(pool, 2, () -> failure.get() != null, failure::set);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aDeadlockedJobRunsAgainAloneAndItsDependentsWaitForIt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch otherStarted = new CountDownLatch(1);
        CountDownLatch victimFailed = new CountDownLatch(1);
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.KEY_OR_INDEX, Set.of("a"), () -> {
            running.incrementAndGet();
            try {
                if (attempts.incrementAndGet() == 1) {
                    otherStarted.await(10, TimeUnit.SECONDS); // the other job runs beside it, then the deadlock
                    throw new LoadScheduler.Deadlocked(new SQLException("deadlock detected", "40P01"));
                }
                log.add("a alone=" + (running.get() == 1));
            } finally {
                running.decrementAndGet();
                victimFailed.countDown();
            }
        }));
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.KEY_OR_INDEX, Set.of("b"), () -> {
            running.incrementAndGet();
            otherStarted.countDown();
            victimFailed.await(10, TimeUnit.SECONDS);
            running.decrementAndGet();
            log.add("b");
        }));
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.FOREIGN_KEY, Set.of("a", "b"), () -> log.add("fk")));
        scheduler.await();
        assertThat(failure.get()).isNull();
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(log).containsExactly("b", "a alone=true", "fk");
    }

    @Test
    void aReadWaitsForItsTablesKeysThenRunsBesideAnotherJobOnThatTable() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch readStarted = new CountDownLatch(1);
        CountDownLatch keyDone = new CountDownLatch(1);
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.KEY_OR_INDEX, Set.of("a"), () -> {
            // a read submitted meanwhile must not start before this key is built
            log.add("read started before the key was built: " + readStarted.await(200, TimeUnit.MILLISECONDS));
            keyDone.countDown();
        }));
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.CHECK, Set.of("a"), () -> {
            // holds table a until the read on a has started: only a job that locks nothing can
            log.add("analyze started, read started: " + readStarted.await(10, TimeUnit.SECONDS));
        }));
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.READ, Set.of("a"), () -> {
            log.add("read after key: " + (keyDone.getCount() == 0));
            readStarted.countDown();
        }));
        scheduler.await();
        assertThat(failure.get()).isNull();
        assertThat(log)
                .containsExactlyInAnyOrder(
                        "read started before the key was built: false",
                        "read after key: true",
                        "analyze started, read started: true");
    }

    @Test
    void aSecondDeadlockOfTheSameJobFailsTheRestore() throws Exception {
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.FOREIGN_KEY, Set.of("a", "b"), () -> {
            throw new LoadScheduler.Deadlocked(new SQLException("deadlock detected", "40P01"));
        }));
        scheduler.await();
        assertThat(failure.get()).isInstanceOf(SQLException.class).hasMessage("deadlock detected");
    }
}
