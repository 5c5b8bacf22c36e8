package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * This engine's view of one account, without I/O and without secrets.
 *
 * @param account the account
 * @param accessExpiresAt when the token held in memory expires, if one is held
 * @param refreshDueAt when the engine plans to refresh it (or to log in again)
 * @param servingStale whether a still-valid token is being served after a failed refresh
 * @param consecutiveFailures failed refresh cycles in a row
 * @param lastFailure the latest failure, until the next success
 * @param nextAttemptAt when the engine retries after a failure
 */
public record AccountHealth(
        AccountId account,
        Optional<Instant> accessExpiresAt,
        Optional<Instant> refreshDueAt,
        boolean servingStale,
        int consecutiveFailures,
        Optional<Failure> lastFailure,
        Optional<Instant> nextAttemptAt) {

    public AccountHealth {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt == null");
        Objects.requireNonNull(refreshDueAt, "refreshDueAt == null");
        Objects.requireNonNull(lastFailure, "lastFailure == null");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt == null");
    }

    /** Whether a token valid at {@code now} (after the engine's expiry skew) is held. */
    public boolean hasValidTokenAt(Instant now) {
        return accessExpiresAt.map(now::isBefore).orElse(false);
    }
}
