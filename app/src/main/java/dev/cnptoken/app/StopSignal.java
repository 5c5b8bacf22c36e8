package dev.cnptoken.app;

import java.util.concurrent.CountDownLatch;

/**
 * Lets a long-running command wait for SIGTERM or Ctrl-C (through a JVM shutdown hook), and makes
 * the hook wait until the command has cleaned up, so the JVM does not exit half-way through.
 * {@link #close()} when done.
 */
final class StopSignal implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(String name) {
        this.hook = new Thread(() -> {
            stop.countDown();
            try {
                cleanedUp.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until a signal. */
    void await() throws InterruptedException {
        stop.await();
    }

    /** Cleaned up: lets a running shutdown hook finish, or removes the hook. */
    @Override
    public void close() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running and has just been released
        }
    }
}
