package io.backupverifier.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz on its JDBC JobStore in the results store's PostgreSQL, clustered: the timers of several
 * nodes on one store fire once between them, and a node that stopped checking in has its jobs
 * taken over by another. The tables come from a PostgreSQL-only migration; the connections from
 * the results store's pool.
 */
public final class ClusteredTimers {

    /** The name under which Quartz finds the results store's connections. */
    static final String DATA_SOURCE = "resultsStore";

    private ClusteredTimers() {}

    /** The Quartz properties for camel-quartz, after registering the results store's connections with Quartz. */
    public static Map<String, Object> quartzProperties(DataSource results) {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return results.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool is the results store's, closed with the application
            }

            @Override
            public void initialize() {
                // made by the application
            }
        });
        Map<String, Object> p = new HashMap<>();
        // one scheduler name on every node (camel-quartz prefixes it with the context name, the same on all)
        p.put("org.quartz.scheduler.instanceName", "BackupVerifier");
        // each node checks in (QRTZ_SCHEDULER_STATE) under its name, as the status page and health show it
        p.put("org.quartz.scheduler.instanceId", ClusterNode.name());
        p.put("org.quartz.scheduler.skipUpdateCheck", "true");
        p.put("org.quartz.threadPool.threadCount", "3");
        p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.put("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.put("org.quartz.jobStore.isClustered", "true");
        // a node that stopped checking in this long is taken as dead, and its jobs recovered by another
        p.put("org.quartz.jobStore.clusterCheckinInterval", "15000");
        return p;
    }
}
