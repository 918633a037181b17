package io.backupverifier.alert;

/** One e-mail to send: the subject, a text part and an HTML part. */
public record AlertMail(String subject, String text, String html) {
}
