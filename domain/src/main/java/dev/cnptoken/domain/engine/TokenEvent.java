package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something the engine did or saw, for metrics and logs. Events hold no secret: tokens appear at
 * most as the fingerprints their own {@code toString()} prints, and here not at all.
 */
public sealed interface TokenEvent
        permits TokenEvent.Refreshed, TokenEvent.LoggedIn, TokenEvent.Failed, TokenEvent.ServingStale,
                TokenEvent.Adopted, TokenEvent.LeaseTakenOver, TokenEvent.CredentialMissing {

    /** The account the event is about. */
    AccountId account();

    /**
     * A refresh token was exchanged for a new access token.
     *
     * @param expiresAt when the new access token expires
     * @param latency how long the FortiCNP call and the store write took
     * @param refreshTokenRotated whether the answer carried a new refresh token (persisted before use)
     */
    record Refreshed(AccountId account, Instant expiresAt, Duration latency, boolean refreshTokenRotated) implements TokenEvent {
        public Refreshed {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(expiresAt, "expiresAt == null");
            Objects.requireNonNull(latency, "latency == null");
        }
    }

    /**
     * The engine logged in with the API credential.
     *
     * @param reason why: {@code "no stored state"}, {@code "refresh token near end of life"}, {@code
     *     "refresh token rejected"}, {@code "explicit login"}
     */
    record LoggedIn(AccountId account, Instant expiresAt, Duration latency, String reason) implements TokenEvent {
        public LoggedIn {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(expiresAt, "expiresAt == null");
            Objects.requireNonNull(latency, "latency == null");
            Objects.requireNonNull(reason, "reason == null");
        }
    }

    /**
     * A refresh cycle failed.
     *
     * @param failure what went wrong
     * @param consecutiveFailures failures in a row, this one included
     * @param retryIn when the engine tries again
     * @param servingStale whether a still-valid older token keeps being served meanwhile
     */
    record Failed(AccountId account, Failure failure, int consecutiveFailures, Duration retryIn, boolean servingStale)
            implements TokenEvent {
        public Failed {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(failure, "failure == null");
            Objects.requireNonNull(retryIn, "retryIn == null");
        }
    }

    /**
     * After a failure, a token that is still valid keeps being served.
     *
     * @param validUntil until when it can be served
     */
    record ServingStale(AccountId account, Instant validUntil) implements TokenEvent {
        public ServingStale {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(validUntil, "validUntil == null");
        }
    }

    /**
     * The engine picked up a token that another instance wrote to the store.
     *
     * @param expiresAt when that token expires
     */
    record Adopted(AccountId account, Instant expiresAt) implements TokenEvent {
        public Adopted {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(expiresAt, "expiresAt == null");
        }
    }

    /**
     * Another instance's lease lapsed without a result (it died or hung) and this one took over.
     *
     * @param previousOwner the lapsed lease's owner
     * @param lapsedAt when the lapsed lease ended
     */
    record LeaseTakenOver(AccountId account, String previousOwner, Instant lapsedAt) implements TokenEvent {
        public LeaseTakenOver {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(previousOwner, "previousOwner == null");
            Objects.requireNonNull(lapsedAt, "lapsedAt == null");
        }
    }

    /**
     * The refresh token nears the end of its life and no API credential is available to log in
     * again: when it runs out, the account stops working until a human runs the login. Reported once
     * per episode.
     *
     * @param refreshTokenExpiresAt when the refresh token runs out
     */
    record CredentialMissing(AccountId account, Instant refreshTokenExpiresAt) implements TokenEvent {
        public CredentialMissing {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(refreshTokenExpiresAt, "refreshTokenExpiresAt == null");
        }
    }
}
