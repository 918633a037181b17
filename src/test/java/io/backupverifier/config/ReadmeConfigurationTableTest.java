package io.backupverifier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the catalogue of settings, row for row: no key undocumented, none stale. */
class ReadmeConfigurationTableTest {

    @Test
    void readmeTableListsEverySettingWithItsDefaultAndMeaning() throws Exception {
        List<String> documented = Files.readAllLines(Path.of("README.md")).stream()
                .filter(l -> l.matches("^\\| `[A-Z_0-9]+` \\| `.*"))
                .toList();
        List<String> catalogue = Settings.ALL.stream()
                .map(s -> "| `" + s.env() + "` | `" + s.property() + "` | "
                        + (s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`") + " | " + s.description()
                        + " |")
                .toList();
        assertThat(documented).containsExactlyElementsOf(catalogue);
    }
}
