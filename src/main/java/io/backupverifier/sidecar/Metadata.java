package io.backupverifier.sidecar;

import java.time.Instant;
import java.util.List;

/**
 * What the sidecar {@code X.meta.json} (and an {@code X.sha256} file) say about backup X.
 *
 * @param sidecarPresent  whether {@code X.meta.json} exists
 * @param problems        everything wrong with the sidecar, each a short phrase; empty when valid
 * @param createdAt       {@code created_at}, null when missing or unparseable
 * @param sha256          {@code sha256} from the sidecar (lower-case hex), null when missing or malformed
 * @param sha256File      the checksum from {@code X.sha256}, null when there is none
 * @param sha256FileProblem why {@code X.sha256} could not be used, or null
 */
public record Metadata(
        boolean sidecarPresent,
        List<String> problems,
        Instant createdAt,
        String sha256,
        Long sizeBytes,
        String fileName,
        String database,
        String databaseType,
        String format,
        String category,
        String sha256File,
        String sha256FileProblem) {

    public boolean valid() {
        return sidecarPresent && problems.isEmpty();
    }
}
