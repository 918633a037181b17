-- PostgreSQL only (several nodes may share this store): the watcher's table, which camel-sql's
-- idempotent repositories otherwise create at start, made here once under Flyway's lock, so
-- nodes starting together do not race to create it. The same definition as camel-sql's own.
-- It holds the permanent "verified" keys (processorName watch-backups) and the nodes' read
-- locks (watch-backups-lock), which a live node keeps fresh and which expire when it dies.
CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255),
    messageId     VARCHAR(100),
    createdAt     TIMESTAMP,
    PRIMARY KEY (processorName, messageId)
);
