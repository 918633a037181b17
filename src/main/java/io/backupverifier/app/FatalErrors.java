package io.backupverifier.app;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service mode's policy for fatal errors: any {@link Error} (out of memory, stack overflow, a
 * class that cannot load), in a route or in any other thread, ends the process with a non-zero
 * exit code, so that systemd ({@code Restart=on-failure}) starts it again instead of leaving a
 * process that is alive but no longer verifies anything. The backup in flight was never
 * recorded as done, so the new process verifies it again.
 */
public final class FatalErrors extends EventNotifierSupport implements Thread.UncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
    /** How long a clean stop may take after a fatal error before the JVM is halted. */
    private static final long HALT_AFTER_MS = 60_000;

    private final Runnable stop;
    private final AtomicBoolean fatal = new AtomicBoolean();

    /** @param stop ends the service's main loop (so its run returns and the command exits non-zero) */
    public FatalErrors(Runnable stop) {
        this.stop = stop;
    }

    /** Whether a fatal error ended the service. */
    public boolean happened() {
        return fatal.get();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeFailedEvent
                || event instanceof CamelEvent.ExchangeFailureHandledEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        Throwable t = exchange.getException();
        if (t == null) {
            t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        Error error = errorIn(t);
        if (error != null) {
            fail(error, "route " + exchange.getFromRouteId());
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable t) {
        Error error = errorIn(t);
        if (error != null) {
            fail(error, "thread " + thread.getName());
        } else {
            LOG.error(
                    "Unexpected {} in thread {}: {}",
                    t.getClass().getSimpleName(),
                    thread.getName(),
                    t.getMessage(),
                    t);
        }
    }

    private static Error errorIn(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof Error e) {
                return e;
            }
        }
        return null;
    }

    private void fail(Error error, String where) {
        if (!fatal.compareAndSet(false, true)) {
            return;
        }
        LOG.error(
                "Fatal error in {}: {}: {}; stopping with exit code 1 so that the service manager restarts it",
                where,
                error.getClass().getName(),
                error.getMessage());
        Thread halt = new Thread(
                () -> {
                    try {
                        Thread.sleep(HALT_AFTER_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    Runtime.getRuntime().halt(1); // a stop that hangs (a broken heap) must not keep the process alive
                },
                "bv-fatal-halt");
        halt.setDaemon(true);
        halt.start();
        // not on the failing thread: the stop waits for in-flight exchanges, this one among them
        Thread stopper = new Thread(stop, "bv-fatal-stop");
        stopper.setDaemon(true);
        stopper.start();
    }
}
