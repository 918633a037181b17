package io.backupverifier.config;

import static io.backupverifier.config.Settings.label;

import java.util.Set;

/**
 * The rules that join several keys, checked once every value has its type: each broken rule
 * stops start-up with one line naming the key to change and the one it depends on.
 */
final class CrossKeyRules {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    private CrossKeyRules() {}

    static void check(Settings s) throws ConfigException {
        if (s.minSize() > s.maxSize()) {
            throw new ConfigException(label("check.min-size") + ": " + s.get("check.min-size") + " is larger than "
                    + label("check.max-size") + " " + s.get("check.max-size"));
        }
        if (s.mailEnabled() && s.list("alert.email").isEmpty()) {
            throw new ConfigException(label("alert.email") + ": required when " + label("smtp.host") + " is set");
        }
        if (s.flag("cluster.enabled") && s.get("results.db-url").startsWith("jdbc:sqlite:")) {
            throw new ConfigException(label("cluster.enabled") + ": several nodes need one shared results store: set "
                    + label("results.db-url") + " to a PostgreSQL database");
        }
        boolean auth = !s.get("http.auth-file").isEmpty();
        String host = s.get("http.host").strip();
        if (s.httpEnabled() && !LOOPBACK.contains(host) && !auth) {
            throw new ConfigException(label("http.host") + ": listening on " + host
                    + " needs basic authentication: set " + label("http.auth-file"));
        }
        if (s.httpEnabled() && s.flag("http.jolokia") && !auth) {
            throw new ConfigException(
                    label("http.jolokia") + ": JMX over HTTP runs this service's operations, so it needs "
                            + "basic authentication: set " + label("http.auth-file"));
        }
    }
}
