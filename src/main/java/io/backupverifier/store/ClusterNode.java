package io.backupverifier.store;

import java.io.IOException;
import java.net.InetAddress;

/**
 * This node's name among several on one PostgreSQL: the host name and the process id, unique
 * while the process lives and new after a restart. Quartz checks in under it, the watcher's
 * lock holders and the shared outbox's claims carry it, and the metrics label it {@code node}.
 */
public final class ClusterNode {

    private static final String NAME =
            hostName() + "-" + ProcessHandle.current().pid();

    private ClusterNode() {}

    public static String name() {
        return NAME;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
