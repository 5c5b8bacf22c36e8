package dev.cnptoken.app.daemon;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long the daemon waits before it reads the store's accounts again after failed reads: {@link
 * #FIRST} doubling with each failure up to {@link #CAP}, each delay spread by up to ±{@link
 * #JITTER} so that replicas that lost the store together do not come back in step.
 */
final class DiscoveryBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration CAP = Duration.ofSeconds(30);
    static final double JITTER = 0.2;

    /** A uniform number in [0, 1); a fixed one in tests. */
    private final DoubleSupplier random;

    DiscoveryBackoff() {
        this(() -> ThreadLocalRandom.current().nextDouble());
    }

    DiscoveryBackoff(DoubleSupplier random) {
        this.random = Objects.requireNonNull(random, "random == null");
    }

    /**
     * The delay after {@code failures} failed reads in a row.
     *
     * @throws IllegalArgumentException if {@code failures < 1}
     */
    Duration delayAfter(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures < 1: " + failures);
        }
        long base = FIRST.toMillis() << Math.min(failures - 1, 20);
        long capped = Math.min(base, CAP.toMillis());
        double spread = (random.getAsDouble() * 2 - 1) * JITTER;
        return Duration.ofMillis(Math.max(1, Math.round(capped * (1 + spread))));
    }
}
