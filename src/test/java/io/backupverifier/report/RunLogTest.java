package io.backupverifier.report;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run log that cannot be written is known by its type (errors.yaml lets the run go on), not by its wording. */
class RunLogTest {

    @TempDir
    Path root;

    @Test
    void aLogDirectoryThatIsAFileIsARunLogNotWritten() throws Exception {
        Path inTheWay = Files.writeString(root.resolve("logs"), "a file, not a directory");
        assertThatThrownBy(() -> new RunLog(inTheWay, Clock.systemUTC()).newRun())
                .isInstanceOf(RunLogNotWrittenException.class)
                .hasMessageStartingWith("Cannot write the run log in " + inTheWay);
    }
}
