package dev.cnptoken.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until told to move: tests and demos set it or step it forward
 * to make tokens expire without waiting. Thread-safe; time never moves on its own.
 */
public final class SteppingClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private SteppingClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock standing at {@code start}, in UTC. */
    public static SteppingClock at(Instant start) {
        return new SteppingClock(new AtomicReference<>(Objects.requireNonNull(start, "start == null")), ZoneOffset.UTC);
    }

    /** Moves the clock forward (or back, for a negative step) and returns the new instant. */
    public Instant advance(Duration step) {
        Objects.requireNonNull(step, "step == null");
        return now.updateAndGet(i -> i.plus(step));
    }

    /** Sets the clock to {@code instant}. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant == null"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's time (stepping one steps both). */
    @Override
    public Clock withZone(ZoneId zone) {
        return new SteppingClock(now, Objects.requireNonNull(zone, "zone == null"));
    }

    @Override
    public String toString() {
        return "SteppingClock[" + now.get() + "]";
    }
}
