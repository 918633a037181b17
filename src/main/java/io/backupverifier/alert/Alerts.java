package io.backupverifier.alert;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.store.ResultsStoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert route's decision: from a run's results, the mails to send (often none), written
 * to the outbox before the alert state that remembers them is committed. When this returns,
 * every alert of the run is on disk; sending them is the outbox's business.
 */
public final class Alerts {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final AlertState state;
    private final AlertMailRenderer renderer;
    private final Consumer<AlertMail> outbox;

    public Alerts(AlertState state, AlertMailRenderer renderer, AlertOutbox outbox) {
        this(state, renderer, outbox::keep);
    }

    /** @param outbox keeps one mail durably, or throws {@link AlertNotKeptException} (a node's directory, or the shared table) */
    public Alerts(AlertState state, AlertMailRenderer renderer, Consumer<AlertMail> outbox) {
        this.state = state;
        this.renderer = renderer;
        this.outbox = outbox;
    }

    /** Accepts one result or a list of them, as the routes send them; returns the mails kept. */
    public List<AlertMail> decide(Object body) {
        List<BackupResult> results = new ArrayList<>();
        if (body instanceof BackupResult r) {
            results.add(r);
        } else if (body instanceof Collection<?> c) {
            c.stream()
                    .filter(BackupResult.class::isInstance)
                    .map(BackupResult.class::cast)
                    .forEach(results::add);
        }
        List<AlertMail> kept = new ArrayList<>();
        boolean[] decided = {false};
        try {
            state.update(results, change -> {
                keepAll(renderer.render(change), kept);
                decided[0] = true;
            });
        } catch (ResultsStoreException e) {
            if (decided[0]) {
                // the mails are kept; only the memory of them is not: they may be sent again next run
                LOG.warn("{}: the alerts of this run are kept, but may repeat", e.getMessage());
            } else {
                // without memory of earlier runs, a repeated alert is better than none
                LOG.warn("{}: alerting every failure of this run", e.getMessage());
                keepAll(
                        renderer.render(new AlertState.Change(
                                results.stream().filter(BackupResult::isFailed).toList(), List.of())),
                        kept);
            }
        }
        return kept;
    }

    private void keepAll(List<AlertMail> mails, List<AlertMail> kept) {
        for (AlertMail m : mails) {
            outbox.accept(m);
            kept.add(m);
        }
    }
}
