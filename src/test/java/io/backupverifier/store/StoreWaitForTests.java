package io.backupverifier.store;

/**
 * For a test outside this package whose results store never answers (VerifyCommandTest's store on a port where
 * nothing listens): each of its commands waits for a connection more than once, and what it proves is that
 * verification goes on without one, not how long it waited ({@link DataSources#waitForTests}).
 */
public final class StoreWaitForTests {

    private StoreWaitForTests() {}

    /** Pools made from now on wait {@code ms} for a connection (HikariCP takes no less than 250). */
    public static void shorten(long ms) {
        DataSources.waitForTests(ms);
    }

    /** Pools made from now on wait as long as the application's. */
    public static void reset() {
        DataSources.waitForTests(DataSources.WAIT_MS);
    }
}
