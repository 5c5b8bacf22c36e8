package dev.cnptoken.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A short claim, written into an account's state by compare-and-set, that one engine instance is
 * calling FortiCNP for that account. Others wait for its result, or take over once {@code until}
 * has passed (the holder died).
 *
 * @param owner an identifier of the holding instance (host, process, random part); not a secret
 * @param until when the claim lapses
 */
public record Lease(String owner, Instant until) {
    /** The longest owner accepted, in characters. */
    public static final int MAX_OWNER_LENGTH = 200;

    public Lease {
        Objects.requireNonNull(owner, "owner == null");
        Objects.requireNonNull(until, "until == null");
        if (owner.isBlank() || owner.length() > MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException("lease owner must be 1-" + MAX_OWNER_LENGTH + " characters");
        }
    }

    /** Whether the lease still holds at {@code now}. */
    public boolean heldAt(Instant now) {
        return now.isBefore(until);
    }
}
