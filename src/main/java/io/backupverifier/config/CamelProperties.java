package io.backupverifier.config;

import java.util.List;
import java.util.Properties;

/**
 * The settings as Camel reads them: every key under its property name, so routes use
 * {@code {{backup.dir}}} and friends; durations in milliseconds for endpoint options; the mail
 * endpoint; and the Camel keys that follow from our settings (the HTTP server, JMX). Camel's
 * own fixed defaults are not here but in the {@code application.properties} shipped in the jar,
 * where the operator's file overrides them.
 */
final class CamelProperties {

    /** Durations that Camel endpoint options take as {@code <key>-ms}. */
    private static final List<String> MILLISECOND_KEYS = List.of(
            "watch.poll-interval",
            "watch.stable-for",
            "watch.lock-timeout",
            "alert.retry-delay",
            "alert.resend-interval",
            "alert.smtp-timeout",
            "restore.timeout",
            "restore.statement-timeout");

    private CamelProperties() {}

    /** Everything for Camel in service mode ({@code service}) or for a one-shot command. */
    static Properties of(Settings settings, boolean service) {
        Properties p = new Properties();
        settings.values().forEach(p::setProperty);
        for (String key : MILLISECOND_KEYS) {
            p.setProperty(key + "-ms", Long.toString(settings.duration(key).toMillis()));
        }
        p.setProperty(
                "backup.dir.absolute",
                settings.backupDir().toAbsolutePath().normalize().toString());
        p.setProperty("alert.mail-enabled", Boolean.toString(settings.mailEnabled()));
        p.setProperty("alert.mail-uri", mailUri(settings));
        if (!settings.get("smtp.user").isEmpty()) {
            // credentials are not in the URI: they go to the component, whose password Camel masks wherever it logs
            // configuration
            for (String scheme : List.of("smtp", "smtps")) {
                p.setProperty("camel.component." + scheme + ".username", settings.get("smtp.user"));
                p.setProperty("camel.component." + scheme + ".password", settings.get("smtp.password"));
            }
        }
        if (service) {
            p.putAll(service(settings));
        } else {
            // nothing to manage or measure in a command that ends
            p.setProperty("camel.main.jmxEnabled", "false");
            p.setProperty("camel.metrics.enabled", "false");
            // nor health checks to answer (only the service serves /observe/health), nor start-up summaries to log
            // at a level a command does not show; and no bean carries Camel's injection annotations, so the post
            // processor's reflection over every bean and route builder finds nothing: less start-up work
            p.setProperty("camel.health.enabled", "false");
            p.setProperty("camel.main.startupSummaryLevel", "Off");
            p.setProperty("camel.main.autoConfigurationLogSummary", "false");
            p.setProperty("camel.main.beanPostProcessorEnabled", "false");
        }
        return p;
    }

    /**
     * Service mode: the HTTP server (status page, /api/backups) and Camel's management endpoints
     * (/observe/health, /observe/metrics, /observe/jolokia) on HTTP_HOST:HTTP_PORT, or none when
     * HTTP_PORT is 0.
     */
    private static Properties service(Settings settings) {
        Properties p = new Properties();
        boolean http = settings.httpEnabled();
        String host = settings.get("http.host").strip();
        String port = Integer.toString(settings.port("http.port"));
        p.setProperty("camel.server.enabled", Boolean.toString(http));
        p.setProperty("camel.server.host", host);
        p.setProperty("camel.server.port", port);
        p.setProperty("camel.management.enabled", Boolean.toString(http));
        p.setProperty("camel.management.host", host);
        p.setProperty("camel.management.port", port);
        p.setProperty("camel.management.jolokiaEnabled", Boolean.toString(http && settings.flag("http.jolokia")));
        if (!settings.get("http.auth-file").isEmpty()) {
            for (String part : List.of("server", "management")) {
                p.setProperty("camel." + part + ".authenticationEnabled", "true");
                p.setProperty("camel." + part + ".basicPropertiesFile", settings.get("http.auth-file"));
            }
        }
        return p;
    }

    /**
     * The camel-mail endpoint: smtps (implicit TLS) on port 465, else smtp (STARTTLS when
     * SMTP_STARTTLS=true, through the mailProperties bean). Without SMTP_HOST a placeholder
     * that is never used, so the route still starts.
     */
    static String mailUri(Settings settings) {
        String host = settings.mailEnabled() ? settings.get("smtp.host") : "localhost";
        int port = settings.port("smtp.port");
        String scheme = port == 465 ? "smtps" : "smtp";
        return scheme + "://" + host + ":" + port
                + "?additionalJavaMailProperties=#mailProperties&connectionTimeout=10000";
    }

    /** JavaMail session properties: STARTTLS and time-outs (a mail server that hangs must not hang us). */
    static Properties mailSession(Settings settings) {
        Properties p = new Properties();
        boolean starttls = settings.flag("smtp.starttls");
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(starttls));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(starttls));
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "30000");
        p.setProperty("mail.smtp.writetimeout", "30000");
        return p;
    }
}
