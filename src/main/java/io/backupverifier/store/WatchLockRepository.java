package io.backupverifier.store;

import java.sql.Timestamp;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * camel-sql's orphan-aware lock repository, made safe for nodes that race for the same row. Its
 * own take-over updates any row it finds once it saw no fresh one, also a row another node
 * inserted a moment before (both nodes then hold the lock). Here an orphan is taken only while
 * it still is one, and a new row is inserted, which fails on the primary key when another node
 * got there first.
 */
final class WatchLockRepository extends JdbcOrphanLockAwareIdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(WatchLockRepository.class);

    private volatile boolean down;

    WatchLockRepository(DataSource dataSource, String processorName, CamelContext context) {
        super(dataSource, processorName, context);
    }

    /**
     * Takes the lock. While the store cannot be reached the nodes cannot agree, and a backup is
     * verified rather than left unverified (the same rule as the results store's outage).
     */
    @Override
    public boolean add(String key) {
        try {
            boolean taken = super.add(key);
            if (down) {
                down = false;
                LOG.info("Results store reachable again for the watcher's cluster lock");
            }
            return taken;
        } catch (DataIntegrityViolationException e) {
            return false; // another node inserted the row first: it holds the lock
        } catch (RuntimeException e) {
            if (!down) {
                down = true;
                LOG.warn(
                        "Results store unavailable for the watcher's cluster lock ({}); backups are verified without it",
                        e.getMessage());
            }
            return true;
        }
    }

    @Override
    public boolean remove(String key) {
        try {
            return super.remove(key);
        } catch (RuntimeException e) {
            return false; // not reachable: a row left behind expires after the maximum age
        }
    }

    /**
     * Takes the lock row; called by {@code add} once it saw no fresh row. The parent keeps a row alive
     * (refreshes it every keep-alive interval) only when its own insert made it: a row taken over by an
     * update, as the parent and an earlier version here did, was never refreshed, so a verification
     * longer than the maximum age was taken over by another node while its node still worked on it.
     * Here the nodes take a key's lock one at a time (a transaction-scoped advisory lock on the key),
     * an orphan (its node stopped refreshing it) is deleted, and the parent inserts the row afresh.
     */
    @Override
    protected int insert(String key) {
        long now = System.currentTimeMillis();
        String table = getTableName() != null ? getTableName() : "CAMEL_MESSAGEPROCESSED"; // camel-sql's default
        // same transaction as add()'s check (Spring binds the connection): until it ends, no other node takes this key
        jdbcTemplate.queryForList("SELECT pg_advisory_xact_lock(hashtext(?))", processorName + "/" + key);
        jdbcTemplate.update(
                "DELETE FROM " + table + " WHERE processorName = ? AND messageId = ? AND createdAt < ?",
                processorName,
                key,
                new Timestamp(now - getLockMaxAgeMillis()));
        Integer held = jdbcTemplate.queryForObject(
                "SELECT COUNT(*) FROM " + table + " WHERE processorName = ? AND messageId = ?",
                Integer.class,
                processorName,
                key);
        if (held != null && held > 0) {
            // another node took it after add() looked: its lock
            throw new DataIntegrityViolationException("lock on " + key + " held by another node");
        }
        return super.insert(key); // no row now: the parent inserts it and keeps it alive while held
    }
}
