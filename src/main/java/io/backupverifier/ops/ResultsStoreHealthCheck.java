package io.backupverifier.ops;

import io.backupverifier.store.ResultsStore;
import io.backupverifier.store.ResultsStoreException;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health: the results store answers with its tables and every result is written to it. DOWN says
 * why (unreachable, or results waiting in the spool), so an operator knows what to fix.
 */
public final class ResultsStoreHealthCheck extends AbstractHealthCheck {

    private final ResultsStore store;

    public ResultsStoreHealthCheck(ResultsStore store) {
        super("backup-verifier", "results-store");
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            store.ping();
            builder.up();
        } catch (ResultsStoreException e) {
            builder.message(e.getMessage()).down();
        } catch (Exception e) {
            builder.message("Results store unreachable: " + e.getMessage()).down();
        }
    }
}
