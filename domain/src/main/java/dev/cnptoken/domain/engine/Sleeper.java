package dev.cnptoken.domain.engine;

import java.time.Duration;

/** How the engine waits (for another instance's lease). Tests substitute one that advances a clock. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps with {@link Thread#sleep}. */
    Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}
