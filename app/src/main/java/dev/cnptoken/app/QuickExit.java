package dev.cnptoken.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops the threads that would hold up the end of the process: the selector threads of the JDK
 * {@link java.net.http.HttpClient}.
 *
 * <p>Why: at exit HotSpot's final safepoint waits for every thread that is in native code, 10 ms at
 * a time, up to 300 ms ({@code VM_Exit::wait_for_threads_in_native_to_block}). A JDK 17 HTTP
 * client's selector thread sits in {@code epoll_wait} (native) until its client is garbage
 * collected, and JDK 17 has no {@code HttpClient.close()}: so every command that made an HTTP call
 * (rotate, login, doctor) took 0.3 s longer than its work, idle. Interrupting a selector thread
 * ends its loop; it closes its selector and connections and exits within milliseconds.
 *
 * <p>Only for the process's own exit ({@link Main#main}): in-process callers ({@link Main#run}, the
 * library) keep their clients.
 */
final class QuickExit {
    /** The JDK's selector thread class (an implementation detail; on a JDK without it this does nothing). */
    private static final String SELECTOR_THREAD = "jdk.internal.net.http.HttpClientImpl$SelectorManager";
    private static final Duration JOIN = Duration.ofMillis(200);

    private QuickExit() {}

    /** Interrupts every HTTP client selector thread and waits briefly for them to end. */
    static void stopHttpSelectorThreads() {
        List<Thread> selectors = new ArrayList<>();
        for (Thread t : liveThreads()) {
            if (t.getClass().getName().equals(SELECTOR_THREAD)) {
                selectors.add(t);
                t.interrupt();
            }
        }
        long deadline = System.nanoTime() + JOIN.toNanos();
        for (Thread t : selectors) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Thread[] liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n = root.enumerate(threads, true);
        return java.util.Arrays.copyOf(threads, n);
    }
}
