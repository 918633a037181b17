package io.backupverifier.cli;

import io.backupverifier.config.Settings;
import io.backupverifier.store.ResultsQueries;

/** The configured results store, read-only. */
final class StoredResults {

    private StoredResults() {}

    static ResultsQueries of(Settings settings) {
        return ResultsQueries.of(
                settings.get("results.db-url"), settings.get("results.db-user"), settings.get("results.db-password"));
    }
}
