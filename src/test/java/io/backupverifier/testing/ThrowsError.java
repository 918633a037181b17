package io.backupverifier.testing;

/** A bean a test route calls to raise an {@link Error} inside the service, as a real defect would. */
public final class ThrowsError {

    public void stackOverflow() {
        throw new StackOverflowError("raised by a test route");
    }

    /** The same from a thread of its own, outside any route. */
    public void inThread() {
        Thread t = new Thread(
                () -> {
                    throw new NoClassDefFoundError("raised by a test thread");
                },
                "test-thread");
        t.start();
    }
}
