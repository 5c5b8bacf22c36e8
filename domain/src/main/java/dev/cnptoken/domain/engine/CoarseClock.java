package dev.cnptoken.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** A wall-clock reading refreshed by a daemon thread every {@code resolution}. */
final class CoarseClock {
    private final Clock clock;
    private final long resolutionNanos;
    private final Thread ticker;
    private volatile long millis;
    private volatile boolean running = true;

    CoarseClock(Clock clock, Duration resolution) {
        this.clock = clock;
        this.resolutionNanos = resolution.toNanos();
        this.millis = clock.millis();
        this.ticker = new Thread(this::tick, "cnp-token-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    long millis() {
        return millis;
    }

    void stop() {
        running = false;
        LockSupport.unpark(ticker);
    }

    private void tick() {
        while (running) {
            millis = clock.millis();
            LockSupport.parkNanos(resolutionNanos);
        }
    }
}
