package io.backupverifier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes a one-shot command loads: what it calls and what that calls, from the shipped routes/. */
class RouteFilesTest {

    private static final Path ROUTES = Path.of("routes");
    private static final List<String> SERVICE_ONLY = List.of("watch-", "schedule-", "http-");

    private static List<String> names(Optional<List<Path>> files) {
        assertThat(files).isPresent();
        return files.get().stream()
                .map(p -> p.getFileName().toString())
                .sorted()
                .toList();
    }

    @Test
    void verifyOfOneFileLoadsItsChainTheRestoreOnSuspectAndTheErrorHandling() {
        List<String> files = names(RouteFiles.select(
                ROUTES, SERVICE_ONLY, List.of("verify-run"), List.of("history", "report-run", "alert-run")));
        assertThat(files)
                .containsExactly(
                        "errors.yaml", "restore-test.yaml", "verify-all.yaml", "verify-run.yaml", "verify.yaml");
    }

    @Test
    void aFlagThatReachesMoreBringsItsRoutesAlong() {
        List<String> files =
                names(RouteFiles.select(ROUTES, SERVICE_ONLY, List.of("verify-run", "deliver-outbox"), List.of()));
        assertThat(files)
                .contains(
                        "report-run.yaml",
                        "report.yaml",
                        "alert-run.yaml",
                        "alert.yaml",
                        "history.yaml",
                        "send-mail.yaml")
                .doesNotContain("restore-run.yaml", "maintenance-run.yaml", "check-db.yaml")
                .noneMatch(f -> f.startsWith("watch-") || f.startsWith("schedule-") || f.startsWith("http-"));
    }

    @Test
    void anEndpointNoFileDefinesMeansEveryRouteIsLoaded(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("a.yaml"),
                "- route:\n    from:\n      uri: direct:a\n      steps:\n        - to: direct:gone\n");
        assertThat(RouteFiles.select(dir, SERVICE_ONLY, List.of("a"), List.of()))
                .isEmpty();
        assertThat(RouteFiles.select(dir, SERVICE_ONLY, List.of("nowhere"), List.of()))
                .isEmpty();
    }

    @Test
    void aCallInACommentIsNoCallAndACommentInsideARouteHidesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), """
                # direct:b is where this once went
                - route:
                    from:
                      # the entry
                      uri: direct:a
                      steps:
                        #  - to: direct:b
                        - to: direct:c # then c
                """);
        Files.writeString(dir.resolve("b.yaml"), "- route:\n    from:\n      uri: direct:b\n");
        Files.writeString(dir.resolve("c.yaml"), "#c\n- route:\n    from:\n      uri: \"direct:c\"\n#");
        assertThat(names(RouteFiles.select(dir, SERVICE_ONLY, List.of("a"), List.of())))
                .containsExactly("a.yaml", "c.yaml");
    }

    @Test
    void theShippedRoutesAreParsedOnceButABeansSectionOrAPipeKeepsCamelsPreParse(@TempDir Path dir) throws Exception {
        assertThat(RouteFiles.needPreParse(ROUTES)).isFalse();

        String route = "- route:\n    from:\n      uri: direct:a\n      steps:\n        - log: a\n";
        Files.writeString(dir.resolve("a.yaml"), "# - beans: commented out\n" + route);
        assertThat(RouteFiles.needPreParse(dir)).isFalse();

        Files.writeString(dir.resolve("b.yaml"), "- beans:\n    - name: b\n      type: java.lang.Object\n");
        assertThat(RouteFiles.needPreParse(dir)).isTrue();
        Files.delete(dir.resolve("b.yaml"));

        Files.writeString(dir.resolve("c.yaml"), "apiVersion: camel.apache.org/v1\nkind: Pipe\n");
        assertThat(RouteFiles.needPreParse(dir)).isTrue();

        assertThat(RouteFiles.needPreParse(dir.resolve("missing"))).isTrue();
        Files.delete(dir.resolve("c.yaml"));

        // the same key in other YAML forms: after a byte-order mark, quoted, in flow style
        for (String beans : List.of(
                "\uFEFF- beans:\n    - name: b\n",
                "- \"beans\":\n    - name: b\n",
                "- {beans: [{name: b, type: java.lang.Object}]}\n")) {
            Files.writeString(dir.resolve("d.yaml"), beans);
            assertThat(RouteFiles.needPreParse(dir)).as(beans).isTrue();
        }
    }
}
