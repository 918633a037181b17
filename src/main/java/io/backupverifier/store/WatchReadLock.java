package io.backupverifier.store;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileHelper;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;
import org.apache.camel.component.file.strategy.FileIdempotentChangedRepositoryReadLockStrategy;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's read lock. A file is taken once its size and time stayed the same for the stable
 * time (camel-file's {@code changed} lock, no marker files). With several nodes on one PostgreSQL
 * it is also taken by one node only: camel-file's {@code idempotent-changed} lock on camel-sql's
 * orphan-aware repository, whose row a live node keeps fresh and a dead node's expires after
 * the maximum age, so another node takes the file over.
 */
public final class WatchReadLock {

    /** The lock's rows in the watcher's table, beside the permanent "verified" keys of {@code watch-backups}. */
    static final String LOCK_PROCESSOR = "watch-backups-lock";

    private WatchReadLock() {}

    /** The timings of the stable-for check, from the watch settings. */
    public record Timing(long checkIntervalMs, long stableForMs, long timeoutMs) {}

    /** One node (the embedded store): only the stable-for check, as {@code readLock=changed}. */
    public static GenericFileExclusiveReadLockStrategy<File> single(Timing t) {
        FileChangedExclusiveReadLockStrategy changed = new FileChangedExclusiveReadLockStrategy();
        configure(changed, t);
        return changed;
    }

    private static void configure(GenericFileExclusiveReadLockStrategy<File> s, Timing t) {
        s.setCheckInterval(t.checkIntervalMs());
        s.setTimeout(t.timeoutMs());
        s.setMarkerFiler(false); // the backup directory is read-only to this program
        s.setReadLockLoggingLevel(LoggingLevel.DEBUG);
        if (s instanceof FileChangedExclusiveReadLockStrategy c) {
            c.setMinAge(t.stableForMs());
            c.setMinLength(0);
        } else if (s instanceof FileIdempotentChangedRepositoryReadLockStrategy c) {
            c.setMinAge(t.stableForMs());
            c.setMinLength(0);
        }
    }

    /**
     * Several nodes on one PostgreSQL: the stable-for check under a lock row shared by all nodes.
     *
     * @param verified the watcher's permanent keys: a file another node verified while this one
     *                 waited for the lock is not verified again
     * @param maxAge   how old a lock row may get before it counts as left by a dead node
     */
    public static Clustered clustered(
            Timing t, DataSource dataSource, CamelContext context, IdempotentRepository verified, Duration maxAge) {
        JdbcOrphanLockAwareIdempotentRepository locks = new WatchLockRepository(dataSource, LOCK_PROCESSOR, context);
        locks.setLockMaxAgeMillis(maxAge.toMillis());
        // a live node refreshes its rows three times per maximum age: one late refresh does not lose a lock
        locks.setLockKeepAliveIntervalMillis(Math.max(1, maxAge.toMillis() / 3));
        Clustered lock = new Clustered(verified, dataSource);
        configure(lock, t);
        lock.setCamelContext(context);
        lock.setIdempotentRepository(locks);
        lock.setRemoveOnCommit(true); // the row is only the lock; "verified" is kept in the other repository
        lock.setRemoveOnRollback(true); // a failed verification is tried again, by any node
        return lock;
    }

    /** The clustered lock, which gives up a file found verified once its lock is held. */
    public static final class Clustered extends FileIdempotentChangedRepositoryReadLockStrategy {

        private static final Logger LOG = LoggerFactory.getLogger(WatchReadLock.class);

        private final IdempotentRepository verified;
        private final DataSource dataSource;

        private GenericFileEndpoint<File> endpoint;

        Clustered(IdempotentRepository verified, DataSource dataSource) {
            this.verified = verified;
            this.dataSource = dataSource;
        }

        /** The orphan-aware lock repository, to start and stop with the application. */
        public IdempotentRepository locks() {
            return getIdempotentRepository();
        }

        @Override
        public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint)
                throws Exception {
            this.endpoint = endpoint;
            super.prepareOnStartup(operations, endpoint);
        }

        /**
         * The lock is on the file's path: its size and time (in the watcher's "verified" key) change while it is
         * written, and two nodes that listed it at different sizes would otherwise each get a lock of their own.
         */
        @Override
        protected String asKey(Exchange exchange, GenericFile<File> file) {
            return sha256(file.getAbsoluteFilePath()); // within the table's 100-character key column
        }

        @Override
        public boolean acquireExclusiveReadLock(
                GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) throws Exception {
            if (!super.acquireExclusiveReadLock(operations, file, exchange)) {
                return false;
            }
            // The file is stable now: its "verified" key as the watcher will write it (Camel too takes the size and
            // time again once the lock is held). A node adds that key before it releases its lock, so a file another
            // node verified while this one listed it or waited is seen verified here, and skipped.
            file.setFileLength(file.getFile().length());
            file.setLastModified(file.getFile().lastModified());
            String key = endpoint.getIdempotentKey() == null
                    ? file.getAbsoluteFilePath()
                    : endpoint.getIdempotentKey()
                            .evaluate(GenericFileHelper.createDummy(endpoint, exchange, () -> file), String.class);
            if (verified.contains(key)) {
                LOG.debug("{} was verified by another node meanwhile: skipped", file.getFileName());
                releaseExclusiveReadLockOnRollback(operations, file, exchange);
                return false;
            }
            holder(file, true);
            return true;
        }

        @Override
        public void releaseExclusiveReadLockOnCommit(
                GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) throws Exception {
            holder(file, false);
            super.releaseExclusiveReadLockOnCommit(operations, file, exchange);
        }

        @Override
        public void releaseExclusiveReadLockOnRollback(
                GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) throws Exception {
            holder(file, false);
            super.releaseExclusiveReadLockOnRollback(operations, file, exchange);
        }

        @Override
        public void releaseExclusiveReadLockOnAbort(
                GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) throws Exception {
            holder(file, false);
            super.releaseExclusiveReadLockOnAbort(operations, file, exchange);
        }

        /**
         * Records (or forgets) that this node holds the file's lock, for the status page: which node verifies
         * which backup. Only shown; a store that cannot take it does not stop the verification.
         */
        private void holder(GenericFile<File> file, boolean held) {
            String key = sha256(file.getAbsoluteFilePath());
            try (Connection c = dataSource.getConnection();
                    PreparedStatement u = c.prepareStatement(
                            held
                                    ? "INSERT INTO bv_watch_lock_holder (lock_key, node, file_path, since) VALUES (?, ?, ?, ?)"
                                            + " ON CONFLICT (lock_key) DO UPDATE SET node = EXCLUDED.node, file_path = EXCLUDED.file_path,"
                                            + " since = EXCLUDED.since"
                                    : "DELETE FROM bv_watch_lock_holder WHERE lock_key = ? AND node = ?")) {
                u.setString(1, key);
                u.setString(2, ClusterNode.name());
                if (held) {
                    u.setString(3, file.getAbsoluteFilePath());
                    u.setLong(4, System.currentTimeMillis());
                }
                u.executeUpdate();
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Cannot record the holder of the lock on {}: {}", file.getFileName(), e.getMessage());
            }
        }

        private static String sha256(String text) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
