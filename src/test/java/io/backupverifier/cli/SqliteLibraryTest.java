package io.backupverifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.LibraryLoaderUtil;

/** SQLite's native library from the launcher's file: written once from the jar, then only pointed at. */
class SqliteLibraryTest {

    @TempDir
    Path dir;

    private static final List<String> KEYS = List.of("org.sqlite.lib.path", "org.sqlite.lib.name");
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        for (String k : KEYS) {
            saved.put(k, System.getProperty(k));
            System.clearProperty(k);
        }
    }

    @AfterEach
    void restore() {
        for (String k : KEYS) {
            if (saved.get(k) == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, saved.get(k));
            }
        }
    }

    private static byte[] jarLibrary() throws Exception {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = SqliteLibrary.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void theFirstRunWritesTheJarsLibraryAndLaterRunsLoadItAsItIs() throws Exception {
        Path lib = dir.resolve("bv.sqlite.so");

        SqliteLibrary.use(lib.toString());
        assertThat(Files.readAllBytes(lib)).isEqualTo(jarLibrary());
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(dir.toString());
        assertThat(System.getProperty("org.sqlite.lib.name")).isEqualTo("bv.sqlite.so");
        Path entry = dir.resolve("bv.sqlite.so.entry");
        assertThat(Files.readString(entry).strip())
                .isEqualTo((LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())
                        .substring(1));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(lib, entry); // no temporary file left behind
        }

        FileTime written = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(lib, written);
        System.clearProperty("org.sqlite.lib.path");
        SqliteLibrary.use(lib.toString());
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(written);
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(dir.toString());
    }

    @Test
    void aLibraryPathGivenByTheOperatorWins() {
        System.setProperty("org.sqlite.lib.path", "/opt/sqlite");
        SqliteLibrary.use(dir.resolve("bv.sqlite.so").toString());
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo("/opt/sqlite");
        assertThat(dir.resolve("bv.sqlite.so")).doesNotExist();
    }

    @Test
    void withoutTheLaunchersFileOrWhereItCannotBeWrittenSqliteJdbcDoesAsAlways() {
        SqliteLibrary.use(null);
        SqliteLibrary.use(dir.resolve("no-such-dir/bv.sqlite.so").toString());
        assertThat(System.getProperty("org.sqlite.lib.path")).isNull();
        assertThat(System.getProperty("org.sqlite.lib.name")).isNull();
    }

    @Test
    void aKeptEntryThatNamesNoSqliteLibraryIsNotBelieved() throws Exception {
        Path lib = dir.resolve("bv.sqlite.so");
        Files.write(lib, "not a library".getBytes());
        Path entry = dir.resolve("bv.sqlite.so.entry");
        Files.writeString(entry, "META-INF/MANIFEST.MF\n");

        SqliteLibrary.use(lib.toString());

        assertThat(Files.readAllBytes(lib)).isEqualTo(jarLibrary());
        assertThat(Files.readString(entry).strip()).startsWith("org/sqlite/native/");
    }

    @Test
    void aKeptEntryOfAnotherArchitectureIsNotBelieved() throws Exception {
        // one installation shared by hosts of two architectures: the other's library, whole and with its own entry,
        // would fail to load here ("wrong ELF class") and leave the results store unavailable on every command
        String other = "org/sqlite/native/Linux/x86/libsqlitejdbc.so";
        byte[] foreign;
        try (InputStream in = SqliteLibrary.class.getResourceAsStream("/" + other)) {
            assertThat(in).as(other).isNotNull();
            foreign = in.readAllBytes();
        }
        Path lib = dir.resolve("bv.sqlite.so");
        Files.write(lib, foreign);
        Path entry = dir.resolve("bv.sqlite.so.entry");
        Files.writeString(entry, other + "\n");

        SqliteLibrary.use(lib.toString());

        assertThat(Files.readAllBytes(lib)).isEqualTo(jarLibrary());
        assertThat(Files.readString(entry).strip()).isNotEqualTo(other);
    }

    @Test
    void aLibraryInAnotherUsersDirectoryIsNotLoaded() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give a directory away");
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        Path lib = theirs.resolve("bv.sqlite.so");
        Files.write(lib, jarLibrary()); // even the jar's own bytes: its owner could change them at any time
        Files.writeString(theirs.resolve("bv.sqlite.so.entry"), resourceEntry() + "\n");
        for (Path p : List.of(theirs, lib, theirs.resolve("bv.sqlite.so.entry"))) {
            Files.setAttribute(p, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS); // nobody
        }

        SqliteLibrary.use(lib.toString());

        assertThat(System.getProperty("org.sqlite.lib.path")).isNull();
        assertThat(System.getProperty("org.sqlite.lib.name")).isNull();
    }

    private static String resourceEntry() {
        return (LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName()).substring(1);
    }

    @Test
    void aTruncatedLibraryIsNeverHandedToSqliteJdbcEvenWithItsEntryKept() throws Exception {
        Path lib = dir.resolve("bv.sqlite.so");
        SqliteLibrary.use(lib.toString()); // writes the library and its entry
        Files.write(lib, Arrays.copyOf(jarLibrary(), 65536));
        System.clearProperty("org.sqlite.lib.path");

        SqliteLibrary.use(lib.toString());

        assertThat(Files.readAllBytes(lib)).isEqualTo(jarLibrary());
    }

    @Test
    void aTruncatedLibraryIsNeverHandedToSqliteJdbc() throws Exception {
        // a library file cut short (a disk that filled while the installation was copied, a cp over it in place):
        // System.load of it does not throw, the JVM dies in the dynamic loader (SIGBUS in ld-linux, exit 134, an
        // hs_err_pid*.log in the working directory, no --json document), and every later command does the same
        // until the jar is rebuilt. Measured with the launcher: 4 KiB, 64 KiB and 500 KB prefixes of the library
        Path lib = dir.resolve("bv.sqlite.so");
        byte[] whole = jarLibrary();
        Files.write(lib, Arrays.copyOf(whole, 65536));

        SqliteLibrary.use(lib.toString());

        String pointed = System.getProperty("org.sqlite.lib.path");
        if (pointed != null) {
            byte[] given = Files.readAllBytes(Path.of(pointed).resolve(System.getProperty("org.sqlite.lib.name")));
            assertThat(given.length)
                    .as("size of the library sqlite-jdbc is pointed at")
                    .isEqualTo(whole.length);
            assertThat(Arrays.equals(given, whole))
                    .as("the library sqlite-jdbc is pointed at is the jar's")
                    .isTrue();
        }
    }
}
