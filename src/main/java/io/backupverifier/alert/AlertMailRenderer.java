package io.backupverifier.alert;

import static io.backupverifier.report.LogLine.printable;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the alert mails: one for the backups that newly failed (a digest when there are
 * several), one for the failures that cleared. Text and HTML say the same: every check with
 * its status and message, and what to do about each failed one. No secrets: only results.
 */
public final class AlertMailRenderer {

    private static final String PREFIX = "[backup-verifier] ";

    private final String host;
    private final String logs;

    /**
     * @param host the machine that checked (a mail from one of several servers says which)
     * @param logDirs where the run logs and reports are, as a reader can look them up
     */
    public AlertMailRenderer(String host, List<Path> logDirs) {
        this.host = host;
        this.logs = String.join(
                " and ",
                logDirs.stream()
                        .map(p -> p.toAbsolutePath().normalize().toString())
                        .toList());
    }

    /** This machine's name, or "localhost" when it has none that resolves. */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public List<AlertMail> render(AlertState.Change change) {
        List<AlertMail> mails = new ArrayList<>();
        List<BackupResult> failed = change.newFailures();
        if (failed.size() == 1) {
            BackupResult r = failed.get(0);
            mails.add(mail(
                    PREFIX + r.status() + " " + printable(r.file().getFileName().toString()) + ": " + problems(r),
                    failed));
        } else if (failed.size() > 1) {
            List<String> names = failed.stream()
                    .map(r -> printable(r.file().getFileName().toString()))
                    .toList();
            boolean allErrors = failed.stream().allMatch(r -> r.status() == CheckStatus.ERROR);
            mails.add(mail(
                    PREFIX + (allErrors ? "ERROR " : "FAILED ") + failed.size() + " backups: "
                            + String.join(", ", names),
                    failed));
        }
        if (!change.recoveries().isEmpty()) {
            mails.add(recovery(change.recoveries()));
        }
        return mails;
    }

    /** The failed checks by id; a check that could not run says why, as its cause is the news. */
    private static String problems(BackupResult r) {
        if (r.status() != CheckStatus.ERROR) {
            return String.join(", ", r.failedChecks());
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, CheckResult> e : r.checks().entrySet()) {
            if (e.getValue().status() == CheckStatus.ERROR) {
                String why = printable(e.getValue().message());
                out.add(e.getKey() + " (" + (why.length() > 80 ? why.substring(0, 77) + "..." : why) + ")");
            }
        }
        return String.join(", ", out);
    }

    private AlertMail mail(String subject, List<BackupResult> results) {
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder(head(subject));
        for (BackupResult r : results) {
            String status = r.status().toString();
            text.append(r.runName())
                    .append(' ')
                    .append(status)
                    .append(": ")
                    .append(printable(r.location()))
                    .append(" (")
                    .append(r.category())
                    .append(")\n\n");
            html.append("<h2>")
                    .append(esc(r.runName()))
                    .append(" <span class=\"")
                    .append(status)
                    .append("\">")
                    .append(status)
                    .append("</span>: ")
                    .append(esc(r.location()))
                    .append("</h2>\n<p>Category: ")
                    .append(esc(r.category()))
                    .append("</p>\n")
                    .append("<table><tr><th>check</th><th>status</th><th>message</th><th>what to do</th></tr>\n");
            for (Map.Entry<String, CheckResult> e : r.checks().entrySet()) {
                CheckResult c = e.getValue();
                String action = c.status() == CheckStatus.FAILED
                        ? Advice.forCheck(e.getKey())
                        : c.status() == CheckStatus.ERROR ? Advice.forError() : "";
                text.append(String.format("  %-22s %-8s %s%n", e.getKey(), c.status(), printable(c.message())));
                if (!action.isEmpty()) {
                    text.append(String.format("  %-22s %-8s Action: %s%n", "", "", action));
                }
                html.append("<tr><td>")
                        .append(esc(e.getKey()))
                        .append("</td><td class=\"")
                        .append(c.status())
                        .append("\">")
                        .append(c.status())
                        .append("</td><td>")
                        .append(esc(c.message()))
                        .append("</td><td>")
                        .append(esc(action))
                        .append("</td></tr>\n");
            }
            text.append('\n');
            html.append("</table>\n");
        }
        text.append("-- \n").append(footer()).append('\n');
        html.append("<p>").append(esc(footer())).append("</p>\n</body></html>\n");
        return new AlertMail(subject, text.toString(), html.toString());
    }

    private String footer() {
        return "backup-verifier on " + host + ": every check of every backup, in the logs and reports under " + logs
                + ".";
    }

    private AlertMail recovery(List<AlertState.Recovery> recoveries) {
        String subject = PREFIX + "RECOVERED "
                + (recoveries.size() == 1
                        ? recoveries.get(0).category() + ": "
                                + printable(recoveries.get(0).clearedBy())
                        : recoveries.size() + " earlier failures cleared");
        StringBuilder text = new StringBuilder("These failures have cleared:\n\n");
        StringBuilder html = new StringBuilder(head(subject))
                .append("<h2>These failures have cleared</h2>\n<table>")
                .append("<tr><th>failed earlier</th><th>category</th><th>cleared because</th></tr>\n");
        for (AlertState.Recovery r : recoveries) {
            text.append("  ")
                    .append(printable(r.subject()))
                    .append(" (")
                    .append(r.category())
                    .append("): ")
                    .append(printable(r.clearedBy()))
                    .append('\n');
            html.append("<tr><td>")
                    .append(esc(r.subject()))
                    .append("</td><td>")
                    .append(esc(r.category()))
                    .append("</td><td class=\"PASSED\">")
                    .append(esc(r.clearedBy()))
                    .append("</td></tr>\n");
        }
        text.append("\n-- \n").append(footer()).append('\n');
        html.append("</table>\n<p>").append(esc(footer())).append("</p>\n</body></html>\n");
        return new AlertMail(subject, text.toString(), html.toString());
    }

    private static String head(String title) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title><style>"
                + "body{font-family:sans-serif;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                + "padding:4px 8px;text-align:left;vertical-align:top}.FAILED,.ERROR{color:#b00020;font-weight:bold}"
                + ".PASSED{color:#1b7f3b}.WARNING{color:#a66a00}.SKIPPED{color:#666}</style></head><body>\n";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
