package io.backupverifier.store;

/**
 * For tests outside this package whose results store never answers: what they prove is what goes on without it, not
 * how long each connection was waited for ({@link DataSources#waitForTests}; the application has no such knob).
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
