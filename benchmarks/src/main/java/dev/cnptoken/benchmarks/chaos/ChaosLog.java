package dev.cnptoken.benchmarks.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes the run's events (the script's chaos notes and the reader's observations) to one file, one
 * line each, stamped with seconds since the measured window began, in the order they happened. It
 * never receives a token: callers name accounts, processes and kinds only. Thread-safe.
 */
final class ChaosLog implements AutoCloseable {
    private final PrintWriter out;
    /** Epoch ms of the window's start; 0 until {@link #begin}, when stamps count from the log's opening. */
    private volatile long originMs;
    private final long openedMs = System.currentTimeMillis();

    ChaosLog(Path file) throws IOException {
        this.out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true);
    }

    /** Stamps from now on count from {@code atMs}. */
    void begin(long atMs) {
        originMs = atMs;
        line(atMs, "window begins");
    }

    /** Seconds since the window began (or since the log opened, before it did), for messages. */
    String stamp(long atMs) {
        long origin = originMs == 0 ? openedMs : originMs;
        return String.format(Locale.ROOT, "%+.1fs", (atMs - origin) / 1000.0);
    }

    synchronized void line(long atMs, String text) {
        out.println(stamp(atMs) + " " + text);
    }

    @Override
    public synchronized void close() {
        out.close();
    }
}
