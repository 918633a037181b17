package io.backupverifier.app;

import static io.backupverifier.testing.Service.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.sidecar.MetadataReader;
import io.backupverifier.testing.Fixtures;
import io.backupverifier.testing.Service;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In service mode the status page and /api/backups serve rows kept between requests (one walk of
 * the backup directory, not one per request). What they show must still be the directory as the
 * watcher last listed it: a backup that arrives is shown once the watcher took it, a deleted one
 * is no longer shown, and a changed sidecar is read again, none of which adds a result to the store.
 */
class StatusPageCacheTest {

    @TempDir
    Path root;

    private final HttpClient http = HttpClient.newHttpClient();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** /api/backups as file name -> "category status", and the total it reports. */
    private Map<String, String> api(int port) throws Exception {
        JsonNode json = new ObjectMapper().readTree(get(port, "/api/backups"));
        Map<String, String> out = new LinkedHashMap<>();
        json.get("backups")
                .forEach(b -> out.put(
                        Path.of(b.get("file").asText()).getFileName().toString(),
                        b.get("category").asText() + " " + b.get("status").asText()));
        assertThat(json.at("/summary/total").asInt()).isEqualTo(out.size());
        return out;
    }

    private Service service(int port) {
        return new Service(root).env("HTTP_PORT", Integer.toString(port)).env("RESTORE_ON_SUSPECT", "false");
    }

    /**
     * A backup with its sidecar, dated a minute back as one finished a while ago: the watcher takes it at its next
     * poll instead of waiting for it to be stable and settled (WatcherRouteTest's subject, not this one's).
     */
    private static Path backup(Path dir, String name, String createdAt) throws IOException {
        Path p = Fixtures.backup(dir, "shop.sql.gz", name);
        Fixtures.sidecar(p, createdAt, null);
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return p;
    }

    @Test
    void aBackupAddedWhileTheServiceRunsIsShownOnceTheWatcherTookIt() throws Exception {
        int port = freePort();
        try (Service service = service(port).start()) {
            Path daily = service.backups.resolve("daily");
            Path first = backup(daily, "backup_20251226_120000.gz", "2025-12-26T12:00:00Z");
            await("the first backup verified", Duration.ofSeconds(20), () -> service.verifications(first) == 1);
            service.awaitWatcherPolls(1);
            // asked once: the rows are made and kept
            assertThat(api(port)).isEqualTo(Map.of("backup_20251226_120000.gz", "daily PASSED"));

            Path second = backup(daily, "backup_20251227_120000.gz", "2025-12-27T12:00:00Z");
            await("the second backup verified", Duration.ofSeconds(20), () -> service.verifications(second) == 1);
            service.awaitWatcherPolls(1); // the poll that took it is over
            assertThat(api(port))
                    .containsExactly(
                            Map.entry("backup_20251227_120000.gz", "daily PASSED"),
                            Map.entry("backup_20251226_120000.gz", "daily PASSED"));
            assertThat(get(port, "/"))
                    .contains("Backups 1&#8211;2 of 2, newest first")
                    .contains("backup_20251227_120000.gz");
        }
    }

    @Test
    void aDeletedBackupIsNoLongerShownAndAChangedSidecarIsReadAgain() throws Exception {
        int port = freePort();
        try (Service service = service(port).start()) {
            Path daily = service.backups.resolve("daily");
            Path kept = backup(daily, "backup_20251226_120000.gz", "2025-12-26T12:00:00Z");
            Path deleted = backup(daily, "backup_20251227_120000.gz", "2025-12-27T12:00:00Z");
            await(
                    "both backups verified",
                    Duration.ofSeconds(20),
                    () -> service.verifications(kept) == 1 && service.verifications(deleted) == 1);
            service.awaitWatcherPolls(1);
            assertThat(api(port)).hasSize(2);
            assertThat(get(port, "/")).contains("backup_20251227_120000.gz");

            Files.delete(deleted);
            Files.delete(MetadataReader.sidecarOf(deleted));
            // the kept backup's sidecar now says it is a weekly one: not a change of the backup, so not verified again
            Fixtures.sidecar(kept, "2025-12-26T12:00:00Z", "weekly");
            service.awaitWatcherPolls(1); // a whole poll listed the directory as it is now
            assertThat(api(port)).isEqualTo(Map.of("backup_20251226_120000.gz", "weekly PASSED"));
            assertThat(get(port, "/"))
                    .contains("Backups 1&#8211;1 of 1, newest first")
                    .doesNotContain("backup_20251227_120000.gz");
            assertThat(service.verifications(kept)).isEqualTo(1);
        }
    }
}
