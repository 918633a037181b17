package io.backupverifier.restore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The embedded PostgreSQL for the tests of a class ({@code @RegisterExtension static}): the one
 * {@link SharedEmbeddedTarget} of the test JVM, and a work directory of
 * the class's own, removed after its tests.
 */
final class EmbeddedServerPerClass implements BeforeAllCallback, AfterAllCallback {

    private final String prefix;
    private Path work;
    private EmbeddedTarget server;

    /** @param prefix the work directory's name prefix, e.g. {@code bv-restore-test} */
    EmbeddedServerPerClass(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // a work directory the server's user can reach (not this JVM's user when it runs as root)
        work = Files.createTempDirectory(
                prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        server = SharedEmbeddedTarget.get();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        OrphanServers.deleteTree(work); // the server stays for the next class
    }

    Path work() {
        return work;
    }

    EmbeddedTarget server() {
        return server;
    }
}
