package io.backupverifier.run;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** How the commands and the MBean start a use case: they call its run route and nothing else. */
public final class RunRoute {

    private RunRoute() {}

    /**
     * Sends {@code body} with {@code headers} to a run route (direct:verify-run, restore-run,
     * report-run, maintenance-run) and returns what the run did. A route that ends without a
     * result is a bug the log describes: it is thrown, not mistaken for a clean run.
     */
    public static RunResult call(ProducerTemplate template, String route, Object body, Map<String, ?> headers) {
        Exchange done = template.request(route, e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(new HashMap<>(headers));
        });
        if (done.getException() != null) {
            throw new IllegalStateException(done.getException().getMessage(), done.getException());
        }
        if (done.getMessage().getBody() instanceof RunResult r) {
            return r;
        }
        Exception caught = done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw new IllegalStateException(
                "The run did not finish" + (caught != null ? ": " + caught.getMessage() : " (see the log)"), caught);
    }
}
