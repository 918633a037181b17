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
 * two foreign keys between the same tables can deadlock), at most one job per connection. A
 * table's checks (its ANALYZE, amcheck of its indexes) once its data and indexes are in.
 */
final class LoadScheduler {

    enum Kind {
        COPY,
        KEY_OR_INDEX,
        FOREIGN_KEY,
        /** A check of one loaded table (ANALYZE): reads it, never changes it. */
        CHECK,
        /**
         * A read of a loaded table with the weakest lock, ACCESS SHARE (amcheck of one index): ready as
         * a CHECK, it locks no table in this schedule; a later job that needs the table alone waits
         * for it, never the other way round.
         */
        READ
    }

    interface Task {
        void run() throws Exception;
    }

    /** A job with the tables it locks; {@code alone}: it runs while no other job does. */
    record Job(Kind kind, Set<String> tables, Task task, boolean alone) {
        Job(Kind kind, Set<String> tables, Task task) {
            this(kind, tables, task, false);
        }
    }

    /**
     * A job's statement was a deadlock victim (locks the job's tables do not show, as a partitioned
     * table's partitions): PostgreSQL undid it. It runs again alone, where no lock can wait on it; a
     * second deadlock then is a failure.
     */
    static final class Deadlocked extends Exception {
        private static final long serialVersionUID = 1L;

        Deadlocked(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

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
        if (job.kind() != Kind.READ && !Collections.disjoint(job.tables(), locked)) {
            return false;
        }
        return switch (job.kind()) {
            case COPY -> true;
            case KEY_OR_INDEX -> job.tables().stream().allMatch(t -> copiesLeft.getOrDefault(t, 0) == 0);
            case FOREIGN_KEY, CHECK, READ ->
                job.tables().stream()
                        .allMatch(t -> copiesLeft.getOrDefault(t, 0) == 0 && keysLeft.getOrDefault(t, 0) == 0);
        };
    }

    private void dispatch() {
        if (failed.getAsBoolean()) {
            pending.clear();
        }
        if (!pending.isEmpty() && pending.get(0).alone()) {
            if (running == 0) {
                start(pending.remove(0));
            }
            return;
        }
        for (Iterator<Job> it = pending.iterator(); it.hasNext() && running < parallelism; ) {
            Job job = it.next();
            if (ready(job)) {
                it.remove();
                start(job);
            }
        }
    }

    private void start(Job job) {
        if (job.kind() != Kind.READ) {
            locked.addAll(job.tables());
        }
        running++;
        pool.execute(() -> {
            Job again = null;
            try {
                job.task().run();
            } catch (Deadlocked e) {
                if (job.alone()) {
                    failures.failed((Exception) e.getCause());
                } else {
                    again = new Job(job.kind(), job.tables(), job.task(), true);
                }
            } catch (Exception e) {
                failures.failed(e);
            } finally {
                finished(job, again);
            }
        });
    }

    private synchronized void finished(Job job, Job again) {
        if (job.kind() != Kind.READ) {
            locked.removeAll(job.tables());
        }
        Map<String, Integer> left =
                job.kind() == Kind.COPY ? copiesLeft : job.kind() == Kind.KEY_OR_INDEX ? keysLeft : null;
        if (again != null) {
            pending.add(0, again); // not done: what waits for it still waits
        } else if (left != null) {
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
