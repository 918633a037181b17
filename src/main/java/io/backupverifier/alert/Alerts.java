package io.backupverifier.alert;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.store.ResultsStoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The alert route's decision: from a run's results, the mails to send (often none). */
public final class Alerts {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Alerts.class);

    private final AlertState state;
    private final AlertMailRenderer renderer;

    public Alerts(AlertState state, AlertMailRenderer renderer) {
        this.state = state;
        this.renderer = renderer;
    }

    /** Accepts one result or a list of them, as the routes send them. */
    public List<AlertMail> decide(Object body) {
        List<BackupResult> results = new ArrayList<>();
        if (body instanceof BackupResult r) {
            results.add(r);
        } else if (body instanceof Collection<?> c) {
            c.stream().filter(BackupResult.class::isInstance).map(BackupResult.class::cast).forEach(results::add);
        }
        AlertState.Change change;
        try {
            change = state.update(results);
        } catch (ResultsStoreException e) {
            // without memory of earlier runs, a repeated alert is better than none
            LOG.warn("{}: alerting every failure of this run", e.getMessage());
            change = new AlertState.Change(results.stream().filter(BackupResult::isFailed).toList(), List.of());
        }
        return change.isEmpty() ? List.of() : renderer.render(change);
    }
}
