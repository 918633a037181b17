package io.backupverifier.ops;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health with several nodes (CLUSTER_ENABLED): the cluster as the shared store knows it, in the
 * message and the details (nodes with their last heartbeat, jobs running and where, who holds
 * which backup lock). DOWN when this node's own heartbeat is too old, because then the other
 * nodes take it for dead and take its work over, or when the store cannot say.
 */
public final class ClusterHealthCheck extends AbstractHealthCheck {

    private final ClusterView view;

    public ClusterHealthCheck(ClusterView view) {
        super("backup-verifier", "cluster");
        this.view = view;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ClusterView.Snapshot s;
        try {
            s = view.read();
        } catch (Exception e) {
            builder.message("Cluster state unavailable (results store): " + e.getMessage())
                    .down();
            return;
        }
        builder.details(ClusterView.details(s));
        ClusterView.Node self = s.self();
        if (self != null && !self.alive()) {
            builder.message("This node's heartbeat is too old: the other nodes take it for dead; "
                            + ClusterView.summary(s))
                    .down();
        } else {
            builder.message(ClusterView.summary(s)).up();
        }
    }
}
