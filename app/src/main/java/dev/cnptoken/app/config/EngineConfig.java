package dev.cnptoken.app.config;

import dev.cnptoken.domain.engine.EngineSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * The engine's timing policy from the configuration: each key checked against bounds that keep
 * tokens usable (FortiCNP access tokens live about an hour, refresh tokens 8 hours) before the
 * {@link EngineSettings} are built.
 *
 * @param settings the validated settings
 */
public record EngineConfig(EngineSettings settings) {
    /** Refreshing more than an hour early would refresh an hour-long token the moment it arrives. */
    static final Duration MAX_REFRESH_MARGIN = Duration.ofHours(1);
    /** Treating tokens as expired much earlier than this would make short-lived tokens unusable. */
    static final Duration MAX_EXPIRY_SKEW = Duration.ofMinutes(5);
    /** Longer than FortiCNP's 8 hours is a mistake; a day is allowed for other deployments. */
    static final Duration MAX_REFRESH_TOKEN_LIFETIME = Duration.ofDays(1);
    /** Retrying less often than this leaves an account stale for longer than a token lives. */
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** The longest server {@code Retry-After} that may be honoured. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    /** A dead instance's lease blocks every other instance this long at most. */
    static final Duration MAX_LEASE = Duration.ofMinutes(10);
    /** A lease shorter than this is shorter than the engine's poll of a waiting instance. */
    static final Duration MIN_LEASE = Duration.ofSeconds(1);

    public EngineConfig {
        Objects.requireNonNull(settings, "settings == null");
    }

    /**
     * Reads the engine keys.
     *
     * @param callTimeout the deadline of one FortiCNP call ({@code call_timeout}): a lease must be
     *     longer, and is twice as long unless configured (at least the engine's default, at most
     *     {@link #MAX_LEASE})
     */
    static EngineConfig from(ValueParser p, Duration callTimeout) {
        EngineSettings d = EngineSettings.defaults();
        Duration margin = p.duration(Key.REFRESH_MARGIN, d.refreshMargin(), Duration.ofMillis(1), MAX_REFRESH_MARGIN);
        // The default jitter shrinks with a smaller margin; a jitter set explicitly must fit in it.
        Duration jitter = p.duration(Key.MAX_JITTER, min(d.maxJitter(), margin), Duration.ZERO, MAX_REFRESH_MARGIN);
        if (jitter.compareTo(margin) > 0) {
            throw ConfigException.of(Key.MAX_JITTER, p.origin(Key.MAX_JITTER), "must be at most refresh_margin ("
                    + DurationText.format(margin) + ", from " + p.origin(Key.REFRESH_MARGIN) + "), got " + DurationText.format(jitter));
        }
        Duration skew = p.duration(Key.EXPIRY_SKEW, d.expirySkew(), Duration.ZERO, MAX_EXPIRY_SKEW);
        Duration lifetime = p.duration(Key.REFRESH_TOKEN_LIFETIME, d.refreshTokenLifetime(), Duration.ofMinutes(1),
                MAX_REFRESH_TOKEN_LIFETIME);
        Duration relogin = p.duration(Key.RELOGIN_MARGIN, d.reloginMargin(), Duration.ofMillis(1), MAX_REFRESH_TOKEN_LIFETIME);
        if (relogin.compareTo(lifetime) >= 0) {
            throw ConfigException.of(Key.RELOGIN_MARGIN, p.origin(Key.RELOGIN_MARGIN), "must be shorter than refresh_token_lifetime ("
                    + DurationText.format(lifetime) + ", from " + p.origin(Key.REFRESH_TOKEN_LIFETIME) + "), got "
                    + DurationText.format(relogin));
        }
        Duration cap = p.duration(Key.BACKOFF_CAP, d.backoffCap(), Duration.ofMillis(1), MAX_BACKOFF);
        Duration base = p.duration(Key.BACKOFF_BASE, min(d.backoffBase(), cap), Duration.ofMillis(1), MAX_BACKOFF);
        if (base.compareTo(cap) > 0) {
            throw ConfigException.of(Key.BACKOFF_BASE, p.origin(Key.BACKOFF_BASE), "must be at most backoff_cap ("
                    + DurationText.format(cap) + ", from " + p.origin(Key.BACKOFF_CAP) + "), got " + DurationText.format(base));
        }
        Duration retryAfter = p.duration(Key.MAX_RETRY_AFTER, d.maxRetryAfter(), Duration.ZERO, MAX_RETRY_AFTER);
        Duration lease = p.duration(Key.LEASE_DURATION, min(max(d.leaseDuration(), callTimeout.multipliedBy(2)), MAX_LEASE),
                Duration.ofMillis(1), MAX_LEASE);
        if (lease.compareTo(callTimeout) <= 0) {
            throw ConfigException.of(Key.LEASE_DURATION, p.origin(Key.LEASE_DURATION), "must outlast one FortiCNP call: longer than"
                    + " call_timeout (" + DurationText.format(callTimeout) + ", from " + p.origin(Key.CALL_TIMEOUT) + "), got "
                    + DurationText.format(lease));
        }
        if (lease.compareTo(MIN_LEASE) < 0) {
            throw ConfigException.of(Key.LEASE_DURATION, p.origin(Key.LEASE_DURATION), "must be at least "
                    + DurationText.format(MIN_LEASE) + ", got " + DurationText.format(lease));
        }
        try {
            return new EngineConfig(new EngineSettings(margin, d.marginFraction(), jitter, d.jitterFraction(), skew, lifetime,
                    relogin, base, cap, retryAfter, lease, d.leasePollInterval()));
        } catch (IllegalArgumentException e) {
            // Every rule of EngineSettings on a configurable value is checked above, naming its key.
            throw new ConfigException("engine settings: " + e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
