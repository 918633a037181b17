-- PostgreSQL only: which node holds which backup's watcher lock, for the status page and
-- /observe/health. The lock itself is the row in CAMEL_MESSAGEPROCESSED (processorName
-- watch-backups-lock, messageId the SHA-256 of the path); this row names its node and file, and
-- counts only while that lock row exists (a dead node's row is replaced by the node taking over).
CREATE TABLE bv_watch_lock_holder (
    lock_key  VARCHAR(100)  PRIMARY KEY,
    node      VARCHAR(255)  NOT NULL,
    file_path VARCHAR(4096) NOT NULL,
    since     BIGINT        NOT NULL
);
