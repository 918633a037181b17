package io.backupverifier.store;

import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's idempotent repository (camel-sql's JDBC one) that survives a results store
 * which is down when the service starts: the service starts anyway, says why once, and the
 * table is created on the first poll that reaches the store. Until then a poll fails for the
 * files it sees (nothing is verified twice) and the next poll tries again.
 */
public final class ResilientMessageIdRepository extends JdbcMessageIdRepository {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientMessageIdRepository.class);
    private volatile boolean ready;

    public ResilientMessageIdRepository(DataSource dataSource, String processorName) {
        super(dataSource, processorName);
    }

    @Override
    protected void doStart() throws Exception {
        try {
            super.doStart();
            ready = true;
        } catch (Exception e) {
            LOG.warn("Results store unavailable for the watcher's idempotency ({}); it is retried at every poll", e.getMessage());
        }
    }

    private void ensureReady() {
        if (!ready) {
            try {
                super.doStart();
                ready = true;
            } catch (Exception e) {
                throw new ResultsStoreException("Results store unavailable: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean contains(String key) {
        ensureReady();
        return super.contains(key);
    }

    @Override
    public boolean add(String key) {
        ensureReady();
        return super.add(key);
    }

    @Override
    public boolean confirm(String key) {
        ensureReady();
        return super.confirm(key);
    }

    @Override
    public boolean remove(String key) {
        ensureReady();
        return super.remove(key);
    }
}
