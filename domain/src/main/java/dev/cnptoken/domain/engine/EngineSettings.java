package dev.cnptoken.domain.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's timing policy. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods; every value is validated.
 *
 * @param refreshMargin refresh an access token this long before it expires (at most; see {@code
 *     marginFraction})
 * @param marginFraction for short-lived tokens, the margin is at most this fraction of the token's
 *     lifetime, so a 2-minute token is not refreshed the moment it arrives
 * @param maxJitter refresh a further random 0..maxJitter earlier (also at most {@code
 *     jitterFraction} of the lifetime), so a fleet does not refresh in lockstep
 * @param jitterFraction upper bound of the jitter as a fraction of the token's lifetime
 * @param expirySkew a token is treated as expired this long before its stated expiry (clock skew,
 *     time in transit); no caller is handed a token with less life than this
 * @param refreshTokenLifetime how long a refresh token lives after it is issued (FortiCNP: 8 hours)
 * @param reloginMargin log in again with the credential this long before the refresh token runs
 *     out (at most {@code marginFraction} of its lifetime)
 * @param backoffBase first retry delay after a failure
 * @param backoffCap longest retry delay; permanent failures wait this long
 * @param maxRetryAfter the longest server {@code Retry-After} honoured
 * @param leaseDuration how long a lease taken before calling FortiCNP holds; must outlast a call
 * @param leasePollInterval how often an instance waiting for another's lease re-reads the store
 */
public record EngineSettings(
        Duration refreshMargin,
        double marginFraction,
        Duration maxJitter,
        double jitterFraction,
        Duration expirySkew,
        Duration refreshTokenLifetime,
        Duration reloginMargin,
        Duration backoffBase,
        Duration backoffCap,
        Duration maxRetryAfter,
        Duration leaseDuration,
        Duration leasePollInterval) {

    public EngineSettings {
        positive(refreshMargin, "refreshMargin");
        fraction(marginFraction, "marginFraction");
        notNegative(maxJitter, "maxJitter");
        fraction(jitterFraction, "jitterFraction");
        notNegative(expirySkew, "expirySkew");
        positive(refreshTokenLifetime, "refreshTokenLifetime");
        positive(reloginMargin, "reloginMargin");
        positive(backoffBase, "backoffBase");
        positive(backoffCap, "backoffCap");
        notNegative(maxRetryAfter, "maxRetryAfter");
        positive(leaseDuration, "leaseDuration");
        positive(leasePollInterval, "leasePollInterval");
        if (backoffCap.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffCap (" + backoffCap + ") is shorter than backoffBase (" + backoffBase + ")");
        }
        if (marginFraction + jitterFraction >= 1.0) {
            throw new IllegalArgumentException("marginFraction + jitterFraction must be below 1");
        }
        if (reloginMargin.compareTo(refreshTokenLifetime) >= 0) {
            throw new IllegalArgumentException("reloginMargin must be shorter than refreshTokenLifetime");
        }
        if (leasePollInterval.compareTo(leaseDuration) > 0) {
            throw new IllegalArgumentException("leasePollInterval must not be longer than leaseDuration");
        }
    }

    /**
     * Refresh 5 minutes ahead (at most 20% of the lifetime) with up to 1 minute of jitter (at most
     * 10%), 10 s expiry skew, 8 h refresh tokens renewed by a login 30 minutes ahead, backoff from 1 s
     * doubling to 5 minutes, {@code Retry-After} honoured up to 1 hour, 30 s leases polled every 250
     * ms.
     */
    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofMinutes(5), 0.2, Duration.ofMinutes(1), 0.1, Duration.ofSeconds(10),
                Duration.ofHours(8), Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMillis(250));
    }

    public EngineSettings withRefreshMargin(Duration d) {
        return new EngineSettings(d, marginFraction, maxJitter, jitterFraction, expirySkew, refreshTokenLifetime,
                reloginMargin, backoffBase, backoffCap, maxRetryAfter, leaseDuration, leasePollInterval);
    }

    public EngineSettings withMarginFraction(double f) {
        return new EngineSettings(refreshMargin, f, maxJitter, jitterFraction, expirySkew, refreshTokenLifetime,
                reloginMargin, backoffBase, backoffCap, maxRetryAfter, leaseDuration, leasePollInterval);
    }

    public EngineSettings withJitter(Duration max, double fraction) {
        return new EngineSettings(refreshMargin, marginFraction, max, fraction, expirySkew, refreshTokenLifetime,
                reloginMargin, backoffBase, backoffCap, maxRetryAfter, leaseDuration, leasePollInterval);
    }

    public EngineSettings withExpirySkew(Duration d) {
        return new EngineSettings(refreshMargin, marginFraction, maxJitter, jitterFraction, d, refreshTokenLifetime,
                reloginMargin, backoffBase, backoffCap, maxRetryAfter, leaseDuration, leasePollInterval);
    }

    public EngineSettings withRefreshTokenLifetime(Duration lifetime, Duration reloginMargin) {
        return new EngineSettings(refreshMargin, marginFraction, maxJitter, jitterFraction, expirySkew, lifetime,
                reloginMargin, backoffBase, backoffCap, maxRetryAfter, leaseDuration, leasePollInterval);
    }

    public EngineSettings withBackoff(Duration base, Duration cap, Duration maxRetryAfter) {
        return new EngineSettings(refreshMargin, marginFraction, maxJitter, jitterFraction, expirySkew,
                refreshTokenLifetime, reloginMargin, base, cap, maxRetryAfter, leaseDuration, leasePollInterval);
    }

    public EngineSettings withLease(Duration duration, Duration pollInterval) {
        return new EngineSettings(refreshMargin, marginFraction, maxJitter, jitterFraction, expirySkew,
                refreshTokenLifetime, reloginMargin, backoffBase, backoffCap, maxRetryAfter, duration, pollInterval);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name + " == null");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    private static void notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name + " == null");
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }

    private static void fraction(double f, String name) {
        if (!(f >= 0.0 && f < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + f);
        }
    }
}
