package io.backupverifier.report;

import io.backupverifier.alert.AlertMail;
import java.nio.file.Path;
import java.util.List;

/** The report as written: its files (text, HTML, JSON) and the mail that carries it. */
public record WrittenReport(List<Path> files, AlertMail mail) {}
