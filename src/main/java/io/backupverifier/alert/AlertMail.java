package io.backupverifier.alert;

/**
 * One e-mail to send: the subject, a text part and an HTML part; {@code to} names its
 * recipients (comma-separated), or is null for ALERT_EMAIL.
 */
public record AlertMail(String subject, String text, String html, String to) {

    public AlertMail(String subject, String text, String html) {
        this(subject, text, html, null);
    }

    /** The same mail for other recipients (the daily report goes to ADMIN_EMAIL). */
    public AlertMail withRecipients(String recipients) {
        return new AlertMail(subject, text, html, recipients == null || recipients.isBlank() ? null : recipients);
    }
}
