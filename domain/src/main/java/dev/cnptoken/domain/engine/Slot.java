package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;

/**
 * One account's standing in this engine: the token the hit path serves and the schedule and failure
 * record that health reports.
 *
 * <p>Each of the two is an immutable value behind one volatile field, so a reader sees all of one
 * write or all of the next, never a mix. Only the thread holding {@link #lock} changes them.
 */
final class Slot {
    final AccountId account;
    /** Serializes this account's refresh cycles within the engine; the hit path never takes it. */
    final ReentrantLock lock = new ReentrantLock();

    private final SchedulePolicy policy;
    /** Uniform numbers in [0, 1) for the jitter and the backoff. */
    private final DoubleSupplier random;
    /** What the hit path reads; replaced whole, never changed in place. */
    private volatile Cached cached;
    /** What health reads; replaced whole, never changed in place. */
    private volatile Status status = Status.NONE;
    /** When the held token's refresh is planned, jitter included; drawn once per token. Under lock. */
    private Instant plannedRefreshAt;
    /** A re-login was due but no credential was found: plan by the access token alone meanwhile. Under lock. */
    private boolean credentialMissing;

    Slot(AccountId account, SchedulePolicy policy, DoubleSupplier random) {
        this.account = account;
        this.policy = policy;
        this.random = random;
    }

    /** Takes {@link #lock}, waiting as long as it takes; an interrupt while waiting is thrown as an {@code Unavailable} failure. */
    void lockOrThrow() {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreRound.interrupted();
        }
    }

    /** What to throw when no valid token is held: the last failure, or that another instance is still refreshing. */
    TokenException noValidToken() {
        TokenException last = status.lastFailure;
        if (last != null) {
            return new TokenException(last.failure(), last);
        }
        return new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(),
                "no valid token for account " + account + " yet: another instance is still refreshing it"));
    }

    /**
     * The hit-path check, the only one: the held token while {@code nowMillis} is before its
     * serve-until instant, else null. Lock-free and allocation-free: one volatile read. A thread
     * that races a writer gets the old value, which was valid when it was published and is still
     * within its serve-until instant, or the new one; both are fine to hand out.
     */
    AccessToken hit(long nowMillis) {
        Cached c = cached;
        return c != null && nowMillis < c.serveUntil ? c.token : null;
    }

    /** The held token while {@code nowMillis} is before the end of its validity (it may be due), else null. */
    AccessToken valid(long nowMillis) {
        Cached c = cached;
        return c != null && nowMillis < c.validUntil ? c.token : null;
    }

    /** Until when the held token may be handed out, if one is held. */
    Optional<Instant> validUntil() {
        Cached c = cached;
        return c == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(c.validUntil));
    }

    /** The schedule and failure record, as one snapshot. */
    Status status() {
        return status;
    }

    /** Whether an earlier failure's backoff still runs at {@code now}. */
    boolean backingOffAt(Instant now) {
        Status s = status;
        return s.lastFailure != null && now.isBefore(s.nextAttemptAt);
    }

    /**
     * Takes note of a state read from the store. Returns whether it replaced a token this engine
     * held (another instance refreshed it). A stored token never replaces a held one that lives
     * longer.
     */
    boolean observe(TokenState s) {
        Cached c = cached;
        if (c != null && c.token.equals(s.accessToken())) {
            Status before = status;
            status = before.scheduled(s.accessExpiresAt(), plan(s, false));
            return false;
        }
        Instant held = status.expiresAt;
        if (c != null && held != null && s.accessExpiresAt().isBefore(held)) {
            return false;
        }
        remember(s);
        return c != null;
    }

    /** Holds the token of {@code s} and plans its refresh; the failure record is left as it is. */
    void remember(TokenState s) {
        hold(s, status);
    }

    /** A new state was stored or taken over: hold it and forget earlier failures. */
    void succeeded(TokenState s) {
        hold(s, Status.NONE);
    }

    private void hold(TokenState s, Status record) {
        Instant due = plan(s, true);
        status = record.scheduled(s.accessExpiresAt(), due);
        cached = new Cached(s.accessToken(), due.toEpochMilli(), policy.validUntil(s).toEpochMilli());
    }

    /**
     * Records a failed cycle at {@code now}: counts it, schedules the retry (the backoff, but never
     * so late, for a retryable failure, that a still-valid token expires without one more attempt), and keeps serving a
     * still-valid token until the retry. Returns the delay until the retry.
     */
    Duration failed(TokenException e, Instant now) {
        int failures = status.failures + 1;
        Duration delay = policy.backoff(failures, e.failure(), random.getAsDouble());
        // Only a retry that can succeed is worth a last attempt before the held token expires.
        Optional<Instant> validUntil = validUntil().filter(now::isBefore).filter(v -> e.failure().retryable());
        return backOff(e, failures, policy.nextAttemptAt(now, delay, validUntil), now);
    }

    /**
     * Records a failed cycle at {@code now} whose retry time another instance already chose and
     * stored ({@code nextAttemptAt}), so that every instance waits for the same moment. Returns the
     * delay until the retry.
     */
    Duration failedUntil(TokenException e, Instant nextAttemptAt, Instant now) {
        return backOff(e, status.failures + 1, nextAttemptAt, now);
    }

    private Duration backOff(TokenException e, int failures, Instant nextAttemptAt, Instant now) {
        Status before = status;
        Cached c = cached;
        boolean stillValid = c != null && now.toEpochMilli() < c.validUntil;
        if (c != null) {
            cached = new Cached(c.token, nextAttemptAt.toEpochMilli(), c.validUntil);
        }
        status = new Status(before.expiresAt, before.dueAt, stillValid, failures, e, nextAttemptAt);
        Duration delay = Duration.between(now, nextAttemptAt);
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    /** Another instance is refreshing: serve the held token from memory until {@code recheck}, then look again. */
    void serveUntil(Instant recheck) {
        Cached c = cached;
        if (c != null) {
            cached = new Cached(c.token, recheck.toEpochMilli(), c.validUntil);
        }
    }

    /** Notes whether a due re-login lacks a credential; returns true when it newly does (say so once). */
    boolean credentialMissing(boolean missing) {
        boolean newly = missing && !credentialMissing;
        credentialMissing = missing;
        return newly;
    }

    /** This slot's part of a {@link RefreshOutcome}. */
    RefreshOutcome outcome(RefreshOutcome.Result result, Optional<Failure> failure, Instant nextCheckAt) {
        Status s = status;
        return new RefreshOutcome(account, result, failure, Optional.ofNullable(s.expiresAt), nextCheckAt, s.stale);
    }

    /** The outcome of a cycle skipped because the backoff of the last failure still runs. */
    RefreshOutcome backingOff() {
        Status s = status;
        return outcome(RefreshOutcome.Result.BACKING_OFF, Optional.of(s.lastFailure.failure()), s.nextAttemptAt);
    }

    /** The health of an account this engine has never seen. */
    static AccountHealth healthOfUnknown(AccountId account) {
        return new AccountHealth(account, Optional.empty(), Optional.empty(), false, 0, Optional.empty(), Optional.empty());
    }

    /** This slot as an {@link AccountHealth}. */
    AccountHealth health() {
        Status s = status;
        return new AccountHealth(account, Optional.ofNullable(s.expiresAt), Optional.ofNullable(s.dueAt), s.stale,
                s.failures, Optional.ofNullable(s.lastFailure).map(TokenException::failure),
                s.lastFailure == null ? Optional.empty() : Optional.of(s.nextAttemptAt));
    }

    /** When {@code s} falls due; the jitter is drawn once per new token. */
    private Instant plan(TokenState s, boolean newToken) {
        if (newToken || plannedRefreshAt == null) {
            plannedRefreshAt = policy.plannedRefreshAt(s, random.getAsDouble());
        }
        return policy.dueAt(s, plannedRefreshAt, credentialMissing);
    }

    /** What the hit path reads: one immutable value. */
    static final class Cached {
        final AccessToken token;
        /** Serve from memory until this epoch millisecond. */
        final long serveUntil;
        /** The token may be handed out until this epoch millisecond. */
        final long validUntil;

        Cached(AccessToken token, long serveUntil, long validUntil) {
            this.token = token;
            this.serveUntil = Math.min(serveUntil, validUntil);
            this.validUntil = validUntil;
        }
    }

    /**
     * The schedule and failure record of one account: one immutable value, so {@link #health} reads
     * one consistent snapshot.
     *
     * @param expiresAt when the held token expires; null while none is held
     * @param dueAt when the held token falls due; null while none is held
     * @param stale whether a still-valid token is served after a failed cycle
     * @param failures failed cycles in a row
     * @param lastFailure the latest failure, null after a success
     * @param nextAttemptAt when to retry after {@code lastFailure}
     */
    record Status(Instant expiresAt, Instant dueAt, boolean stale, int failures, TokenException lastFailure,
            Instant nextAttemptAt) {
        static final Status NONE = new Status(null, null, false, 0, null, Instant.MIN);

        /** This record with a new schedule; the failure record is kept. */
        Status scheduled(Instant expiresAt, Instant dueAt) {
            return new Status(expiresAt, dueAt, stale, failures, lastFailure, nextAttemptAt);
        }
    }
}
