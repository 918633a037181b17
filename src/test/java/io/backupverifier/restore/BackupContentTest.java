package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore test hashes the bytes it reads from the backup (below the gzip layer), so its verdict can
 * be tied to the content the verification hashed: the whole file when it was read to the end, nothing
 * when it stopped early.
 */
class BackupContentTest {

    @TempDir
    Path dir;

    private final BackupContent content = new BackupContent(Long.MAX_VALUE, 0);
    private final List<String> heard = new ArrayList<>();

    @Test
    void contentReadToItsEndGivesTheHashOfTheWholeFileTrailingBytesIncluded() throws Exception {
        Path gz = Fixtures.write(dir.resolve("backup.sql.gz"), Fixtures.bytes("shop.sql.gz"));
        Fixtures.append(gz, new byte[512]); // zero padding after the last gzip member, as tape tools write
        try (InputStream in = content.open(gz, heard::add)) {
            assertThat(in.readAllBytes()).isEqualTo(Fixtures.gunzip(Fixtures.bytes("shop.sql.gz")));
        }
        assertThat(heard).containsExactly(Fixtures.sha256(gz));

        Path copy = content.copy(
                Fixtures.write(dir.resolve("app.sqlite3"), Fixtures.bytes("shop.sqlite")),
                WorkFiles.SQLITE,
                dir,
                heard::add);
        assertThat(heard).containsExactly(Fixtures.sha256(gz), Fixtures.sha256(copy));
    }

    @Test
    void contentNotReadToItsEndGivesNoHash() throws Exception {
        Path gz = Fixtures.write(dir.resolve("backup.sql.gz"), Fixtures.bytes("shop.sql.gz"));
        try (InputStream in = content.open(gz, heard::add)) {
            assertThat(in.readNBytes(100)).hasSize(100);
        }
        assertThat(heard).isEmpty();
    }

    @Test
    void theHashIsOfWhatWasReadNotOfWhatTheFileHoldsLater() throws Exception {
        Path backup = Fixtures.write(dir.resolve("app.sqlite3"), Fixtures.bytes("shop.sqlite"));
        String read = Fixtures.sha256(backup);
        Path other = Fixtures.write(dir.resolve("other"), Fixtures.gzip(Fixtures.bytes("shop.sqlite")));
        try (InputStream in = content.open(backup, heard::add)) {
            in.readNBytes(4096);
            Files.move(other, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            in.readAllBytes();
        }
        assertThat(heard).containsExactly(read).doesNotContain(Fixtures.sha256(backup));
    }
}
