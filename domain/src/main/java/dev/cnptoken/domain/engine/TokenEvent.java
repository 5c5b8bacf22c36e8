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
                TokenEvent.Adopted, TokenEvent.LeaseTakenOver, TokenEvent.CredentialMissing, TokenEvent.Invalidated {

    /** The account the event is about. */
    AccountId account();

    /**
     * A refresh token was exchanged for a new access token.
     *
     * @param expiresAt when the new access token expires
     * @param latency how long the FortiCNP call and the store write took
     * @param refreshTokenRotated whether the answer carried a new refresh token (persisted before use)
     * @param reason why the engine refreshed
     */
    record Refreshed(AccountId account, Instant expiresAt, Duration latency, boolean refreshTokenRotated, Reason reason)
            implements TokenEvent {
        public Refreshed {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(expiresAt, "expiresAt == null");
            Objects.requireNonNull(latency, "latency == null");
            Objects.requireNonNull(reason, "reason == null");
        }

        /** A {@link Reason#SCHEDULED} refresh: the form this event had before it carried a reason. */
        public Refreshed(AccountId account, Instant expiresAt, Duration latency, boolean refreshTokenRotated) {
            this(account, expiresAt, latency, refreshTokenRotated, Reason.SCHEDULED);
        }

        /**
         * Why a refresh happened. A login with the API credential is a {@link LoggedIn} event with its
         * own reason, never a {@code Refreshed} one.
         */
        public enum Reason {
            /** The token fell due: its planned refresh time came (or fell within a job's horizon). */
            SCHEDULED,
            /** {@link TokenEngine#refresh(AccountId, boolean) refresh(account, true)}: refreshed although not due. */
            FORCED,
            /** {@link TokenEngine#invalidate}: the FortiCNP API refused the token before it fell due. */
            INVALIDATED
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

    /**
     * The FortiCNP API refused a token ({@link TokenEngine#invalidate}) and the engine answered: one
     * event per call, whatever the answer.
     *
     * @param result what the engine did about it
     */
    record Invalidated(AccountId account, Result result) implements TokenEvent {
        public Invalidated {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(result, "result == null");
        }

        /** What an invalidation came to. */
        public enum Result {
            /** This engine already held a different valid token (another thread got there first); nothing was called. */
            ALREADY_REPLACED,
            /** Another instance had stored a newer token; it was taken from the store, FortiCNP was not called. */
            ADOPTED,
            /** The token was refreshed (see the {@link Refreshed} event with reason {@code INVALIDATED}). */
            REFRESHED,
            /** The engine logged in with the API credential (the refresh token was refused too, or near its end). */
            LOGGED_IN,
            /** A failed refresh is backing off: its failure was thrown at once, FortiCNP was not called. */
            BACKING_OFF,
            /** No new token could be had: the failure was thrown. */
            FAILED
        }
    }
}
