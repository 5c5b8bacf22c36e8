package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides when a token falls due and how long to wait after a failure, as pure functions of the
 * {@link EngineSettings}.
 *
 * <p>No clock, no store, no random source: every instant it returns is computed from a state's own
 * instants, and every random choice comes in as a uniform number {@code u} in [0, 1) drawn by the
 * caller. Thread-safe (immutable).
 */
final class SchedulePolicy {
    private final EngineSettings settings;

    SchedulePolicy(EngineSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings == null");
    }

    /**
     * The one margin formula: {@code margin}, but at most the configured fraction of {@code
     * lifetime}, so a short-lived token is not renewed the moment it arrives.
     */
    Duration cappedMargin(Duration margin, Duration lifetime) {
        return min(margin, scale(lifetime, settings.marginFraction()));
    }

    /** The largest jitter for a token that lives {@code lifetime}: the configured maximum, capped at its fraction. */
    Duration maxJitter(Duration lifetime) {
        return min(settings.maxJitter(), scale(lifetime, settings.jitterFraction()));
    }

    /** When the access token of {@code s} should be refreshed: its margin before expiry, minus {@code u} of the largest jitter. */
    Instant plannedRefreshAt(TokenState s, double u) {
        Duration lifetime = accessLifetime(s);
        return s.accessExpiresAt().minus(cappedMargin(settings.refreshMargin(), lifetime)).minus(scale(maxJitter(lifetime), u));
    }

    /** When to log in again with the credential: the re-login margin before the refresh token of {@code s} runs out. */
    Instant reloginAt(TokenState s) {
        Duration lifetime = settings.refreshTokenLifetime();
        return s.refreshExpiresAt(lifetime).minus(cappedMargin(settings.reloginMargin(), lifetime));
    }

    /** Until when the access token of {@code s} may be handed out: its expiry minus the expiry skew. */
    Instant validUntil(TokenState s) {
        return s.accessExpiresAt().minus(settings.expirySkew());
    }

    /**
     * When {@code s} falls due: its {@code planned} refresh, or the re-login if that comes first (not
     * when no credential is at hand to log in with), and never after the token stops being valid.
     */
    Instant dueAt(TokenState s, Instant planned, boolean credentialMissing) {
        Instant due = credentialMissing ? planned : min(planned, reloginAt(s));
        return min(due, validUntil(s));
    }

    /** The latest instant {@code s} can fall due: {@link #dueAt} with no jitter. */
    Instant latestDueAt(TokenState s) {
        return dueAt(s, plannedRefreshAt(s, 0.0), false);
    }

    /**
     * How long to wait after the {@code failures}-th failure in a row: exponential backoff with
     * jitter, {@code u} of the way between the base and min(cap, base * 2^(failures-1)); a permanent
     * failure waits the cap. A server's {@code Retry-After} (at most the configured maximum) is a
     * floor.
     */
    Duration backoff(int failures, Failure failure, double u) {
        Duration delay = failure.retryable() ? exponential(failures, u) : settings.backoffCap();
        if (failure instanceof Failure.Unavailable unavailable && unavailable.retryAfter().isPresent()) {
            Duration server = min(unavailable.retryAfter().get(), settings.maxRetryAfter());
            if (server.compareTo(delay) > 0) {
                delay = server;
            }
        }
        return delay;
    }

    /**
     * When to try again after a failure at {@code now} whose backoff is {@code delay}: after the
     * delay, but while a token that may be handed out until {@code validUntil} is held, no later than
     * its last chance: a tenth of its remaining validity before {@code validUntil}. So a long
     * {@code Retry-After} cannot let the token expire without one more attempt. Once the last chance
     * is less than the backoff base away (it was taken, or the token is about to expire), the delay
     * stands.
     */
    Instant nextAttemptAt(Instant now, Duration delay, Optional<Instant> validUntil) {
        Instant afterDelay = now.plus(delay);
        if (validUntil.isEmpty() || !now.isBefore(validUntil.get())) {
            return afterDelay;
        }
        Duration remaining = Duration.between(now, validUntil.get());
        Instant lastChance = validUntil.get().minus(remaining.dividedBy(10));
        if (!afterDelay.isAfter(lastChance) || Duration.between(now, lastChance).compareTo(settings.backoffBase()) < 0) {
            return afterDelay;
        }
        return lastChance;
    }

    private Duration exponential(int failures, double u) {
        long base = settings.backoffBase().toMillis();
        long cap = settings.backoffCap().toMillis();
        int shift = Math.max(0, Math.min(failures - 1, 30));
        long ceiling = Math.min(cap, base << shift);
        return Duration.ofMillis(base + (long) (u * (ceiling - base)));
    }

    private static Duration accessLifetime(TokenState s) {
        Duration lifetime = Duration.between(s.updatedAt(), s.accessExpiresAt());
        return lifetime.isNegative() ? Duration.ZERO : lifetime;
    }

    private static Duration scale(Duration d, double f) {
        return Duration.ofNanos((long) (d.toNanos() * f));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
