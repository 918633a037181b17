package io.backupverifier.run;

import io.backupverifier.alert.AlertMail;
import io.backupverifier.alert.AlertNotKeptException;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.maintenance.Maintained;
import io.backupverifier.report.ReportNotWrittenException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Gathers what the run routes did into their {@link RunResult}. The routes decide the flow;
 * this class only puts its outcomes in one typed record.
 */
public final class Runs {

    /** The verifications of direct:verify-all, by file; a backup that gave no result is named as not verified. */
    public RunResult verified(List<?> out) {
        return checked(out, "verify", true);
    }

    /** The restore tests, in the order they ran; a backup that gave no result is named as not tested. */
    public RunResult restored(List<?> out) {
        return checked(out, "restore-test", false);
    }

    private static RunResult checked(List<?> out, String verb, boolean sorted) {
        List<BackupResult> results = new ArrayList<>();
        List<String> notDone = new ArrayList<>();
        for (Object o : out == null ? List.of() : out) {
            if (o instanceof BackupResult r) {
                results.add(r);
            } else {
                notDone.add("Could not " + verb + " " + o + " (see the log above)");
            }
        }
        if (sorted) {
            results.sort(Comparator.comparing(BackupResult::file));
        }
        return RunResult.of(results, notDone);
    }

    /** The category checks of direct:history. */
    public RunResult withCategories(RunResult run, List<?> categories) {
        return run.withCategories(
                categories.stream().map(BackupResult.class::cast).toList());
    }

    /**
     * A report the route wrote, or did not: with no files written and no exception thrown, a
     * failure the report route handled ({@code caught}) still means no report.
     */
    public RunResult reported(List<Path> files, Object mail, Throwable caught) {
        RunResult run = RunResult.of(List.of(), List.of());
        if (files == null || files.isEmpty() || !(mail instanceof AlertMail m)) {
            return run.withProblem("The report was not written" + (caught != null ? ": " + caught.getMessage() : ""));
        }
        return run.withReport(files, m);
    }

    /** The report route failed: its own message when it says why, else what went wrong. */
    public RunResult notReported(Throwable e) {
        ReportNotWrittenException why = find(e, ReportNotWrittenException.class);
        return RunResult.of(List.of(), List.of())
                .withProblem(why != null ? why.getMessage() : "The report was not written: " + e.getMessage());
    }

    /** A run's own report (direct:report-run's result) added to the run. */
    public RunResult withReport(RunResult run, RunResult report) {
        RunResult out = run.withReport(report.reportFiles(), report.reportMail());
        for (String p : report.problems()) {
            out = out.withProblem(p);
        }
        return out;
    }

    /** The alerts could not be kept: the run fails, whatever its verdicts. */
    public RunResult notAlerted(RunResult run, Throwable e) {
        AlertNotKeptException why = find(e, AlertNotKeptException.class);
        return run.withProblem(why != null ? why.getMessage() : e.getMessage());
    }

    /** What maintenance did: the test databases, then the logs (log housekeeping that fails throws). */
    public RunResult maintained(List<Maintained> databases, List<String> logs) {
        List<Maintained> all = new ArrayList<>(databases);
        logs.forEach(l -> all.add(Maintained.done(l)));
        return RunResult.of(List.of(), List.of()).withMaintained(all);
    }

    /** Log housekeeping failed half-way: what was done to the test databases, and why the logs were not. */
    public RunResult logsNotMaintained(List<Maintained> databases, Throwable e) {
        List<Maintained> all = new ArrayList<>(databases);
        all.add(Maintained.failed("Cannot archive or delete old logs: " + e.getMessage()));
        return RunResult.of(List.of(), List.of()).withMaintained(all);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
