package io.backupverifier.restore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * Runs the data and post-data jobs of a restore as pg_restore -j does: a table's indexes and
 * keys once its data is loaded, a foreign key once both its tables have their data and keys,
 * never two jobs on the same table at once (they would only wait for each other's locks, and
 * two foreign keys between the same tables can deadlock), at most one job per connection.
 */
final class LoadScheduler {

    enum Kind { COPY, KEY_OR_INDEX, FOREIGN_KEY }

    interface Task {
        void run() throws Exception;
    }

    /** A job with the tables it locks. */
    record Job(Kind kind, Set<String> tables, Task task) { }

    /** Told about a job that threw; the scheduler then drops what is pending. */
    interface Failures {
        void failed(Exception e);
    }

    private final ExecutorService pool;
    private final int parallelism;
    private final BooleanSupplier failed;
    private final Failures failures;
    private final List<Job> pending = new ArrayList<>();
    private final Set<String> locked = new HashSet<>();
    private final Map<String, Integer> copiesLeft = new HashMap<>();
    private final Map<String, Integer> keysLeft = new HashMap<>();
    private int running;

    LoadScheduler(ExecutorService pool, int parallelism, BooleanSupplier failed, Failures failures) {
        this.pool = pool;
        this.parallelism = parallelism;
        this.failed = failed;
        this.failures = failures;
    }

    synchronized void submit(Job job) {
        if (job.kind() == Kind.COPY) {
            job.tables().forEach(t -> copiesLeft.merge(t, 1, Integer::sum));
        } else if (job.kind() == Kind.KEY_OR_INDEX) {
            job.tables().forEach(t -> keysLeft.merge(t, 1, Integer::sum));
        }
        pending.add(job);
        dispatch();
    }

    private boolean ready(Job job) {
        if (!Collections.disjoint(job.tables(), locked)) {
            return false;
        }
        return switch (job.kind()) {
            case COPY -> true;
            case KEY_OR_INDEX -> job.tables().stream().allMatch(t -> copiesLeft.getOrDefault(t, 0) == 0);
            case FOREIGN_KEY -> job.tables().stream().allMatch(t -> copiesLeft.getOrDefault(t, 0) == 0
                    && keysLeft.getOrDefault(t, 0) == 0);
        };
    }

    private void dispatch() {
        if (failed.getAsBoolean()) {
            pending.clear();
        }
        for (Iterator<Job> it = pending.iterator(); it.hasNext() && running < parallelism; ) {
            Job job = it.next();
            if (ready(job)) {
                it.remove();
                locked.addAll(job.tables());
                running++;
                pool.execute(() -> {
                    try {
                        job.task().run();
                    } catch (Exception e) {
                        failures.failed(e);
                    } finally {
                        finished(job);
                    }
                });
            }
        }
    }

    private synchronized void finished(Job job) {
        locked.removeAll(job.tables());
        Map<String, Integer> left = job.kind() == Kind.COPY ? copiesLeft : job.kind() == Kind.KEY_OR_INDEX ? keysLeft : null;
        if (left != null) {
            job.tables().forEach(t -> left.merge(t, -1, Integer::sum));
        }
        running--;
        dispatch();
        notifyAll();
    }

    /** Waits until every job submitted so far has finished. */
    synchronized void await() throws InterruptedException {
        while (!pending.isEmpty() || running > 0) {
            wait();
        }
    }
}
