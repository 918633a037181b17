package io.backupverifier.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's idempotent repository (camel-sql's JDBC one) that survives a results store
 * which is down or lost its tables. The service starts anyway; the table is created again by
 * the first call that reaches the store. While the store cannot answer, this process answers
 * for the backups it knows are done, any other counts as not verified (it is verified: fail
 * closed), and the keys of what was verified meanwhile are kept in memory and written when the
 * store answers again.
 */
public final class ResilientMessageIdRepository extends JdbcMessageIdRepository {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientMessageIdRepository.class);

    /** Keys verified while the store could not take them: written when it answers. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    /** Keys this process knows are done: answered without the store (each poll asks for every backup), also while it is away. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    private volatile boolean ready;
    private volatile boolean down;

    public ResilientMessageIdRepository(DataSource dataSource, String processorName) {
        super(dataSource, processorName);
    }

    @Override
    protected void doStart() throws Exception {
        try {
            super.doStart();
            ready = true;
        } catch (Exception e) {
            LOG.warn(
                    "Results store unavailable for the watcher's idempotency ({}); it is retried at every poll",
                    e.getMessage());
        }
    }

    /** A store operation: its table is created when missing (after a failure, once more). */
    private interface Call {
        boolean run();
    }

    private boolean call(Call call) {
        try {
            return attempt(call);
        } catch (RuntimeException first) {
            ready = false; // the table may be gone with its database: the retry creates it again
            return attempt(call);
        }
    }

    private boolean attempt(Call call) {
        if (!ready) {
            try {
                super.doStart();
            } catch (Exception e) {
                throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
            }
            ready = true;
        }
        boolean result = call.run();
        if (down) {
            down = false;
            LOG.info("Results store reachable again for the watcher's idempotency");
        }
        for (String key : waiting) {
            super.add(key);
            waiting.remove(key);
        }
        return result;
    }

    private void unavailable(RuntimeException e) {
        if (!down) {
            down = true;
            LOG.warn(
                    "Results store unavailable for the watcher's idempotency ({}); new backups are still verified",
                    e.getMessage());
        }
    }

    /**
     * Whether the backup with this key was verified. A key once known to be done is answered from
     * memory: every poll of the watcher asks for every backup in the directory, and a verified key
     * never becomes unverified but through this process's own {@link #remove}.
     */
    @Override
    public boolean contains(String key) {
        if (waiting.contains(key) || known.contains(key)) {
            return true;
        }
        try {
            boolean done = call(() -> super.contains(key));
            if (done) {
                known.add(key);
            }
            return done;
        } catch (RuntimeException e) {
            unavailable(e);
            return known.contains(key); // not known to be done: verify it
        }
    }

    @Override
    public boolean add(String key) {
        known.add(key);
        try {
            return call(() -> super.add(key));
        } catch (RuntimeException e) {
            unavailable(e);
            return waiting.add(key);
        }
    }

    @Override
    public boolean confirm(String key) {
        try {
            return call(() -> super.confirm(key));
        } catch (RuntimeException e) {
            unavailable(e);
            return true;
        }
    }

    @Override
    public boolean remove(String key) {
        known.remove(key);
        boolean removed = waiting.remove(key);
        try {
            return call(() -> super.remove(key)) || removed;
        } catch (RuntimeException e) {
            unavailable(e);
            return removed;
        }
    }
}
