package io.backupverifier.store;

import java.sql.Timestamp;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;

/**
 * camel-sql's orphan-aware lock repository, made safe for nodes that race for the same row. Its
 * own take-over updates any row it finds once it saw no fresh one, also a row another node
 * inserted a moment before (both nodes then hold the lock). Here an orphan is taken only while
 * it still is one, and a new row is inserted, which fails on the primary key when another node
 * got there first.
 */
final class WatchLockRepository extends JdbcOrphanLockAwareIdempotentRepository {

    WatchLockRepository(DataSource dataSource, String processorName, CamelContext context) {
        super(dataSource, processorName, context);
    }

    @Override
    protected int insert(String key) {
        long now = System.currentTimeMillis();
        String table = getTableName() != null ? getTableName() : "CAMEL_MESSAGEPROCESSED"; // camel-sql's default
        int taken = jdbcTemplate.update("UPDATE " + table + " SET createdAt = ? WHERE processorName = ? AND messageId = ?"
                + " AND createdAt < ?", new Timestamp(now), processorName, key, new Timestamp(now - getLockMaxAgeMillis()));
        if (taken == 0) {
            jdbcTemplate.update(getInsertString(), processorName, key, new Timestamp(now));
        }
        // the row is this node's now (same transaction): the parent refreshes it and keeps it alive while held
        return super.insert(key);
    }
}
