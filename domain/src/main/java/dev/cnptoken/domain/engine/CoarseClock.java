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

    /** {@code resolution} when it is positive; for {@code TokenEngine.Builder.clockResolution}. */
    static Duration checked(Duration resolution) {
        java.util.Objects.requireNonNull(resolution, "resolution == null");
        if (resolution.isZero() || resolution.isNegative()) {
            throw new IllegalArgumentException("clockResolution must be positive, got " + resolution);
        }
        return resolution;
    }

    /**
     * Refuses a resolution (null: none) over a tenth of the expiry skew: the reading could then lag
     * enough to serve an expired token.
     */
    static void checkFits(Duration resolution, Duration expirySkew) {
        if (resolution != null && resolution.multipliedBy(10).compareTo(expirySkew) > 0) {
            throw new IllegalStateException("clockResolution (" + resolution
                    + ") must be at most a tenth of the expiry skew (" + expirySkew + ")");
        }
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
