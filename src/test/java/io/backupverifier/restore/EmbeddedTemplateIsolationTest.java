package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The initdb template of a work directory outlives each server made from it, for as long as the application runs.
 * What runs as the servers' OS user (the server itself, and whatever a restored dump gets to run there) must not be
 * able to leave something in it that the next restore test's server starts with: before the template, each server
 * had an initdb of its own, so nothing of one restore test reached the next.
 */
class EmbeddedTemplateIsolationTest {

    private Path work;

    @BeforeEach
    void work() throws IOException {
        // a directory the server's user can pass: the data directories are inside it
        work = Files.createTempDirectory(
                "bv-review-template",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterEach
    void cleanUp() throws IOException {
        EmbeddedTarget.closeAll();
        OrphanServers.deleteTree(work);
    }

    @Test
    void whatTheServersUserLeavesInTheTemplateDoesNotReachTheNextServer() throws Exception {
        try (EmbeddedTarget first = new EmbeddedTarget(work)) {
            assertThat(first.home()).exists();
            Path template = templateData();
            assertThat(template.resolve("postgresql.auto.conf")).exists();
            // the server's OS user (what a server-side escape of a restored dump runs as) writes the template
            asServerUser("echo \"bv_review.planted = 'yes'\" >> '" + template.resolve("postgresql.auto.conf") + "'");
        }
        try (EmbeddedTarget next = new EmbeddedTarget(work);
                Connection c = next.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('bv_review.planted', true)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1))
                    .as("a setting planted in the template by the previous server's user")
                    .isNull();
        }
    }

    @Test
    void theServerLogsAreReadableByTheirOwnerOnly() throws Exception {
        // server.log gets the server's errors, which quote the dump's rows ("invalid input syntax for type integer:
        // \"<a value of the backup>\"", "CONTEXT: COPY t, line 2, column c: ..."); the home is 0711 in a directory
        // anyone can list (the default work directory is the system temp directory), so a log readable by others is
        // the backup's data for every local user
        try (EmbeddedTarget server = new EmbeddedTarget(work)) {
            Path template = templateHome();
            for (Path log : List.of(server.home().resolve("server.log"), template.resolve("server.log"))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
                        .as(log.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    private Path templateHome() throws IOException {
        try (Stream<Path> entries = Files.list(work)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(WorkFiles.EMBEDDED_TEMPLATE))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no template in " + work));
        }
    }

    private Path templateData() throws IOException {
        Path home = templateHome();
        Path pointer = home.resolve(EmbeddedServer.DATA_POINTER);
        return Files.exists(pointer) ? Path.of(Files.readString(pointer).strip()) : home.resolve(EmbeddedServer.DATA);
    }

    /** Runs a shell command as the embedded servers' OS user (this JVM's user unless it is root). */
    private static void asServerUser(String command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (EmbeddedServer.jvmIsRoot()) {
            String uid = output("id", "-u", EmbeddedTarget.DEFAULT_OS_USER);
            String gid = output("id", "-g", EmbeddedTarget.DEFAULT_OS_USER);
            cmd.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups"));
        }
        cmd.addAll(List.of("/bin/sh", "-c", command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // a template the server's user cannot write is one way to pass: the next server is what is checked
        System.out.println("as the server's user: exit " + p.exitValue() + " " + out);
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
