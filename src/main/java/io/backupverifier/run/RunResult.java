package io.backupverifier.run;

import io.backupverifier.alert.AlertMail;
import io.backupverifier.checks.BackupResult;
import io.backupverifier.maintenance.Maintained;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run (verify, restore test, report, maintenance) did, as the run routes return it to
 * whoever started it: a timer, a command or the MBean. Nothing has to look in a directory to
 * learn which report was written.
 *
 * @param results     the backups' results, verifications or restore tests
 * @param categories  the category checks (freshness, retention), when the run made them
 * @param notDone     backups the run could not check at all, one line each
 * @param reportFiles the report files written, when the run wrote a report
 * @param reportMail  the mail that carries that report
 * @param problems    what the run could not do besides checking backups (report, alert), one line each
 * @param maintained  what maintenance did, one line each
 */
public record RunResult(
        List<BackupResult> results,
        List<BackupResult> categories,
        List<String> notDone,
        List<Path> reportFiles,
        AlertMail reportMail,
        List<String> problems,
        List<Maintained> maintained) {

    /** Exit status 0: everything checked passed (warnings allowed). */
    public static final int OK = 0;
    /** Exit status 1: something FAILED, could not be checked, or the run could not do its part. */
    public static final int FAILED = 1;

    static RunResult of(List<BackupResult> results, List<String> notDone) {
        return new RunResult(
                List.copyOf(results), List.of(), List.copyOf(notDone), List.of(), null, List.of(), List.of());
    }

    RunResult withCategories(List<BackupResult> found) {
        return new RunResult(results, List.copyOf(found), notDone, reportFiles, reportMail, problems, maintained);
    }

    RunResult withReport(List<Path> files, AlertMail mail) {
        return new RunResult(results, categories, notDone, List.copyOf(files), mail, problems, maintained);
    }

    RunResult withProblem(String problem) {
        List<String> all = new ArrayList<>(problems);
        all.add(problem);
        return new RunResult(results, categories, notDone, reportFiles, reportMail, List.copyOf(all), maintained);
    }

    RunResult withMaintained(List<Maintained> done) {
        return new RunResult(results, categories, notDone, reportFiles, reportMail, problems, List.copyOf(done));
    }

    /** The groups one alert decision each is made for: the backups, then the categories (each its own digest). */
    public List<List<BackupResult>> alertGroups() {
        return categories.isEmpty() ? List.of(results) : List.of(results, categories);
    }

    /** 0 when everything passed (warnings allowed), 1 when anything failed or was not done (fail closed). */
    public int exitStatus() {
        boolean failed = !notDone.isEmpty()
                || !problems.isEmpty()
                || results.stream().anyMatch(BackupResult::isFailed)
                || categories.stream().anyMatch(BackupResult::isFailed)
                || maintained.stream().anyMatch(Maintained::failed);
        return failed ? FAILED : OK;
    }
}
