package io.backupverifier.store;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import io.backupverifier.checks.CheckStatus;
import io.backupverifier.checks.Verification;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup FAILED only on its sidecar or checksum while its data read cleanly is restore-tested
 * once per content of the file, not on every run: the verdict is remembered in the results store
 * under the file's path, size, modification time and SHA-256 (all known from the streaming pass),
 * when the restore test read the same bytes, and later verifications of the same content reuse it,
 * saying when the test ran, until the file changes.
 */
public final class SuspectRestores {

    private static final Logger LOG = LoggerFactory.getLogger(SuspectRestores.class);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final ResultsStore store;
    private final ResultsQueries queries;
    private final Clock clock;

    public SuspectRestores(ResultsStore store, ResultsQueries queries, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.clock = clock;
    }

    /**
     * Records the remembered verdict of this exact content as the {@code restore} check, if it was
     * restore-tested; the route restore-tests a verification still without one. A store that
     * cannot answer means testing again, not trusting nothing.
     */
    public Verification recall(Verification v) {
        if (!keyed(v)) {
            return v;
        }
        Optional<ResultsStore.RestoreVerdict> known;
        try {
            known = queries.restoreVerdict(
                    v.file(),
                    v.sizeBytes(),
                    v.scan().modified().toEpochMilli(),
                    v.scan().sha256());
        } catch (ResultsStoreException e) {
            LOG.warn("{}: restore-testing {} again", e.getMessage(), v.logName());
            return v;
        }
        known.ifPresent(k -> v.record(
                CheckId.RESTORE.id(),
                new CheckResult(
                        CheckStatus.valueOf(k.status()),
                        k.message() + "; restore-tested on " + WHEN.format(Instant.ofEpochMilli(k.testedAt()))
                                + ", unchanged since")));
        return v;
    }

    /** Whether the verification still needs a restore test: no verdict recalled. */
    public boolean untested(Verification v) {
        return v.check(CheckId.RESTORE.id()) == null;
    }

    /**
     * Remembers the verdict of the restore test just attached to the verification. One that
     * could not run or was not possible (ERROR, SKIPPED) is not a verdict on the data: the next
     * verification tries again. Nor is one on other content: the restore test reads the file
     * again, and only when it read all of it and its SHA-256 is the verification's is its verdict
     * about the content remembered under that hash (the file may be replaced in between, and its
     * modification time set back).
     */
    public Verification remember(Verification v) {
        CheckResult restore = v.check(CheckId.RESTORE.id());
        if (restore == null
                || !keyed(v)
                || !v.scan().sha256().equals(v.restoreTestedSha256())
                || restore.status() == CheckStatus.ERROR
                || restore.status() == CheckStatus.SKIPPED) {
            return v;
        }
        store.rememberRestoreVerdict(
                v.file(),
                v.sizeBytes(),
                v.scan().modified().toEpochMilli(),
                v.scan().sha256(),
                new ResultsStore.RestoreVerdict(restore.status().name(), restore.message(), clock.millis()));
        return v;
    }

    /** The content is known exactly: read to the end (SHA-256) and a modification time. */
    private static boolean keyed(Verification v) {
        return v.scan().sha256() != null && v.scan().modified() != null;
    }
}
