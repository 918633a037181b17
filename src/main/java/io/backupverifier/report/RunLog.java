package io.backupverifier.report;

import io.backupverifier.checks.BackupResult;
import io.backupverifier.restore.RestoreResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-run log {@code verification_logs/verification_YYYYMMDD_HHMMSS.log}, lines
 * {@code [YYYY-MM-DD HH:MM:SS] [LEVEL] message} (DESIGN.md section 9). A run is one CLI
 * command, one daily verification, or one backup found by the watcher.
 */
public final class RunLog {

    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final DateTimeFormatter LINE_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path logDir;
    private final String prefix;
    private final String startLine;
    private final Clock clock;

    public RunLog(Path logDir, Clock clock) {
        this(logDir, "verification", "Starting backup verification", clock);
    }

    /** A log of another kind of run, e.g. {@code restore_test_YYYYMMDD_HHMMSS.log}. */
    public RunLog(Path logDir, String prefix, String startLine, Clock clock) {
        this.logDir = logDir;
        this.prefix = prefix;
        this.startLine = startLine;
        this.clock = clock;
    }

    /** Starts a new run log and returns its path. */
    public synchronized String newRun() {
        try {
            Files.createDirectories(logDir);
            String stamp = LocalDateTime.now(clock).format(FILE_STAMP);
            Path file = logDir.resolve(prefix + "_" + stamp + ".log");
            for (int i = 2; Files.exists(file); i++) {
                file = logDir.resolve(prefix + "_" + stamp + "_" + i + ".log");
            }
            Files.createFile(file);
            append(file, List.of(new LogLine(LogLine.INFO, startLine)));
            return file.toAbsolutePath().toString();
        } catch (IOException e) {
            throw new RunLogNotWrittenException("Cannot write the run log in " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** Appends a verification's lines, together, to the run's log (a new log when there is no run). */
    public <T extends BackupResult> T write(T v, String runLog) {
        Path file = Path.of(runLog == null || runLog.isEmpty() ? newRun() : runLog);
        List<LogLine> lines = VerificationLines.of(v);
        append(file, lines, v instanceof RestoreResult r ? stepTimes(r, lines.size()) : List.of());
        return v;
    }

    /**
     * A restore test's lines carry the time each step happened: its start, each check when it
     * was recorded (a restore takes hours; one time for all would hide where they went), the verdict now.
     */
    private List<Instant> stepTimes(RestoreResult r, int lines) {
        List<Instant> times = new ArrayList<>();
        times.add(r.startedAt());
        for (String id : r.checks().keySet()) {
            Instant at = r.recordedAt(id);
            times.add(at != null ? at : Instant.now(clock));
        }
        return times.size() == lines - 1 ? times : List.of();
    }

    /** Closes a run over several backups with its summary line; returns the results unchanged. */
    public <T extends BackupResult> List<T> summary(String runLog, List<T> results) {
        append(Path.of(runLog), List.of(VerificationLines.summary(results)));
        return results;
    }

    private void append(Path file, List<LogLine> lines) {
        append(file, lines, List.of());
    }

    /** {@code times}: when each line's step happened, from the first; the lines after them (or all) are stamped now. */
    private synchronized void append(Path file, List<LogLine> lines, List<Instant> times) {
        String now = "[" + LocalDateTime.now(clock).format(LINE_STAMP) + "] ";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String stamp = i < times.size()
                    ? "["
                            + LocalDateTime.ofInstant(times.get(i), clock.getZone())
                                    .format(LINE_STAMP) + "] "
                    : now;
            text.append(stamp).append(lines.get(i)).append('\n');
        }
        try {
            // never through a link: the run log is this program's own file in its own directory
            Files.writeString(
                    file,
                    text,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new RunLogNotWrittenException("Cannot write the run log " + file + ": " + e.getMessage(), e);
        }
    }
}
