package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link TokenEngine#refresh} did for an account.
 *
 * @param account the account
 * @param result what happened
 * @param failure the failure, for {@link Result#FAILED} and {@link Result#BACKING_OFF}
 * @param accessExpiresAt when the token now served expires, if there is one
 * @param nextCheckAt when the account next needs attention (its refresh time, or the next retry)
 * @param servingStale whether a still-valid token is being served after a failed refresh
 */
public record RefreshOutcome(
        AccountId account,
        Result result,
        Optional<Failure> failure,
        Optional<Instant> accessExpiresAt,
        Instant nextCheckAt,
        boolean servingStale) {

    /** The possible results. */
    public enum Result {
        /** The token was not due; nothing was called. */
        NOT_DUE,
        /** The access token was refreshed with the refresh token. */
        REFRESHED,
        /** The engine logged in with the credential. */
        LOGGED_IN,
        /** Another instance had already refreshed it; its token was taken from the store. */
        ADOPTED,
        /** Another instance holds the lease and is refreshing it right now; the current token is valid. */
        BUSY,
        /** The refresh failed; see {@code failure}. */
        FAILED,
        /** An earlier failure's backoff has not run out; nothing was called. */
        BACKING_OFF;

        /** Whether the account has a valid, current token after this result. */
        public boolean fresh() {
            return this == NOT_DUE || this == REFRESHED || this == LOGGED_IN || this == ADOPTED || this == BUSY;
        }
    }

    public RefreshOutcome {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(result, "result == null");
        Objects.requireNonNull(failure, "failure == null");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt == null");
        Objects.requireNonNull(nextCheckAt, "nextCheckAt == null");
    }
}
