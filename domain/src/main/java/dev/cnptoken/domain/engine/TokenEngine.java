package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Keeps the access tokens of any number of FortiCNP accounts valid.
 *
 * <ul>
 *   <li><b>Serving.</b> {@link #currentToken} returns the token held in memory, without I/O, locks
 *       or allocation, while it is valid and not yet due for refresh.
 *   <li><b>Refresh-ahead with jitter.</b> A token is refreshed a margin before it expires, minus a
 *       random jitter, so a fleet spreads its calls.
 *   <li><b>Single flight.</b> In one process, one thread per account talks to FortiCNP; threads
 *       holding a still-valid token keep it meanwhile, threads without one wait and share the
 *       result or the failure.
 *   <li><b>Across processes.</b> A short {@link dev.cnptoken.domain.Lease}, written by compare-and-set,
 *       makes other instances wait for the result (or serve their valid token) until it lapses.
 *   <li><b>Static stability.</b> After a failed refresh a still-valid token is served (as stale)
 *       while retries back off with jitter, capped, honouring {@code Retry-After}.
 *   <li><b>Refresh-token lifecycle.</b> The engine logs in again before the refresh token runs out
 *       and when it is rejected. A rotated refresh token is persisted before the new access token is
 *       handed out; a state is only replaced by a newer one.
 * </ul>
 *
 * This class keeps the per-account slots, the hit path, the locking and the events; a refresh
 * cycle's steps are in {@link StoreRound}, the timing rules in {@link SchedulePolicy}, the answer to
 * a refused token in {@link Invalidation}. Thread-safe. Build with {@link #builder()}.
 */
public final class TokenEngine implements AutoCloseable {
    private final Clock clock;
    private final DoubleSupplier random;
    private final EngineSettings settings;
    /** When tokens fall due and how long to back off: shared by every slot. */
    private final SchedulePolicy policy;
    private final TokenEventListener listener;
    private final String instanceId;
    /** The store round every refresh cycle and login goes through. */
    private final StoreRound round;
    private final Invalidation invalidation; // answers invalidate(...)
    private final ConcurrentMap<AccountId, Slot> slots = new ConcurrentHashMap<>();
    /** Set when a clock resolution was configured: the wall clock as last read by the ticker. */
    private final CoarseClock coarse;

    private TokenEngine(Builder b) {
        this.clock = b.clock;
        this.random = b.random;
        this.settings = b.settings;
        this.policy = new SchedulePolicy(b.settings);
        this.listener = TokenEventListener.of(java.util.List.of(b.listener)); // its faults never break serving
        this.instanceId = b.instanceId;
        FortiCnpCalls fortiCnp = new FortiCnpCalls(b.refresher, b.credentials, b.settings, policy, this.listener);
        this.round = new StoreRound(b.store, fortiCnp, b.clock, b.sleeper, b.settings, b.instanceId, this.listener);
        this.coarse = b.clockResolution == null ? null : new CoarseClock(clock, b.clockResolution);
        this.invalidation = new Invalidation(round, clock, this::nowMillis, this.listener);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This instance's identifier, as written into leases. */
    public String instanceId() {
        return instanceId;
    }

    /** The settings this engine was built with. */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * A valid access token for {@code account}: from memory while it is valid and not due, otherwise
     * after reading the store and, when due, refreshing it. A token handed out has at least {@link
     * EngineSettings#expirySkew()} of life left.
     *
     * @throws TokenException when no valid token can be had: the failure of the refresh attempt (or
     *     of the last one, during its backoff)
     */
    public AccessToken currentToken(AccountId account) {
        Slot slot = slots.get(account);
        return slot == null ? slowToken(slot(account)) : token(slot);
    }

    /**
     * A handle on one account's token: {@link TokenHandle#get()} is {@link #currentToken} without the
     * account lookup. Hand it to an HTTP client's interceptor.
     */
    public TokenHandle handle(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        return new TokenHandle(this, account, slot(account), coarse);
    }

    /**
     * The FortiCNP API refused {@code rejected} (it answered 401): returns a token to retry the call
     * with. That is a different valid token this engine holds (another thread got there first), else
     * one the store holds (another instance did), else, unless a failed refresh is backing off (its
     * failure is thrown at once), a new one refreshed through the lease like a due refresh (a rejected
     * refresh token falls back to a login). Single flight: threads invalidating the same token share
     * one refresh in this process, and the lease keeps it to one across processes. Meanwhile {@link
     * #currentToken} keeps serving the held token. Emits one {@link TokenEvent.Invalidated}.
     *
     * @throws TokenException when no other valid token can be had
     */
    public AccessToken invalidate(AccountId account, AccessToken rejected) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(rejected, "rejected == null");
        return invalidation.answer(slot(account), rejected);
    }

    /** Stops the clock ticker, if {@link Builder#clockResolution} started one. Idempotent. */
    @Override
    public void close() {
        if (coarse != null) {
            coarse.stop();
        }
    }

    /**
     * Brings one account up to date: reads the store and refreshes the token if it is due (or
     * always, with {@code force}). Failures are reported in the outcome, not thrown.
     *
     * @param force refresh even when the token is not due, and ignore this engine's backoff
     */
    public RefreshOutcome refresh(AccountId account, boolean force) {
        return refresh(account, force, Duration.ZERO);
    }

    /**
     * Like {@link #refresh(AccountId, boolean)}, but also refreshes a token that falls due within
     * {@code horizon}: what a job that runs every {@code horizon} needs, so no token expires between
     * two runs.
     */
    public RefreshOutcome refresh(AccountId account, boolean force, Duration horizon) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(horizon, "horizon == null");
        if (horizon.isNegative()) {
            throw new IllegalArgumentException("horizon is negative");
        }
        Slot slot = slot(account);
        try {
            slot.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return slot.outcome(RefreshOutcome.Result.FAILED, Optional.of(StoreRound.interrupted().failure()), clock.instant());
        }
        try {
            return !force && slot.backingOffAt(clock.instant()) ? slot.backingOff() : round.run(slot, force, horizon);
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * When the engine will refresh {@code state} at the latest: a margin before its access token
     * expires (the random jitter can only make it earlier), or before its refresh token runs out.
     * For reports and dry runs; no I/O.
     */
    public Instant refreshDueAt(TokenState state) {
        return policy.latestDueAt(state);
    }

    /** When the refresh token of {@code state} runs out, given the configured lifetime. */
    public Instant refreshTokenExpiresAt(TokenState state) {
        return state.refreshExpiresAt(settings.refreshTokenLifetime());
    }

    /**
     * Logs in with {@code credential} and stores the result as the account's state, replacing what
     * was there: the explicit bootstrap of an account (and the fix after a credential was renewed).
     *
     * @param keepCredential keep the credential in the store's refresh-side record, so every instance
     *     can log in again by itself; when false, a credential already stored is left as it is
     * @return what was stored
     * @throws TokenException when FortiCNP refuses or cannot be reached, or the store fails
     */
    public VersionedState login(AccountId account, ApiCredential credential, boolean keepCredential) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(credential, "credential == null");
        Slot slot = slot(account);
        slot.lockOrThrow();
        try {
            return round.login(slot, credential, keepCredential);
        } finally {
            slot.lock.unlock();
        }
    }

    /** This engine's in-memory view of {@code account}, as one consistent snapshot; no I/O. */
    public AccountHealth health(AccountId account) {
        Slot slot = slots.get(account);
        return slot == null ? Slot.healthOfUnknown(account) : slot.health();
    }

    /** The hit path: the slot's token while it need not be refreshed, else the slow path. Lock-free, allocation-free. */
    AccessToken token(Slot slot) {
        AccessToken hit = slot.hit(nowMillis());
        return hit != null ? hit : slowToken(slot);
    }

    /** The clock the hit path compares against: the coarse reading when configured, else the clock. */
    private long nowMillis() {
        return coarse == null ? clock.millis() : coarse.millis();
    }

    private AccessToken slowToken(Slot slot) {
        AccessToken valid = slot.valid(nowMillis());
        if (valid != null) {
            if (!slot.lock.tryLock()) {
                return valid; // another thread is refreshing; this token is still good
            }
        } else {
            slot.lockOrThrow();
        }
        try {
            AccessToken hit = slot.hit(nowMillis());
            if (hit != null) {
                return hit;
            }
            if (!slot.backingOffAt(clock.instant())) {
                round.run(slot, false, Duration.ZERO);
            }
            AccessToken held = slot.valid(nowMillis());
            if (held != null) {
                return held;
            }
            throw slot.noValidToken();
        } finally {
            slot.lock.unlock();
        }
    }

    private Slot slot(AccountId account) {
        return slots.computeIfAbsent(account, a -> new Slot(a, policy, random));
    }

    /** Builds a {@link TokenEngine}. A refresher and a store are required. */
    public static final class Builder {
        private TokenRefresher refresher;
        private TokenStore store;
        private CredentialSource credentials = CredentialSource.none();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private EngineSettings settings = EngineSettings.defaults();
        private TokenEventListener listener = TokenEventListener.NONE;
        private String instanceId = InstanceId.generate();
        private Duration clockResolution;

        private Builder() {}

        /**
         * Lets the hit path compare against a wall-clock reading refreshed every {@code resolution}
         * by a daemon thread, instead of reading the clock on every call. Worth it where a clock read
         * is slow (virtual machines) and tokens are asked for millions of times a second. Must be at
         * most a tenth of the expiry skew, so the reading can never lag enough to serve an expired
         * token. Default: off (the clock is read on every call). {@link TokenEngine#close()} stops
         * the thread.
         */
        public Builder clockResolution(Duration resolution) {
            this.clockResolution = CoarseClock.checked(resolution);
            return this;
        }

        /** The FortiCNP transport. Required. */
        public Builder refresher(TokenRefresher refresher) {
            this.refresher = Objects.requireNonNull(refresher, "refresher == null");
            return this;
        }

        /** Where account state lives. Required. */
        public Builder store(TokenStore store) {
            this.store = Objects.requireNonNull(store, "store == null");
            return this;
        }

        /** Where API credentials come from when the engine must log in. Default: none (then only a credential kept in the store is used). */
        public Builder credentials(CredentialSource credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials == null");
            return this;
        }

        /** Wall-clock time. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /** How to wait for another instance's lease. Default: {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
            return this;
        }

        /** Uniform random numbers in [0, 1) for jitter. Default: {@link ThreadLocalRandom}. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random == null");
            return this;
        }

        public Builder settings(EngineSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings == null");
            return this;
        }

        /** Receives events. Default: none. */
        public Builder listener(TokenEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener == null");
            return this;
        }

        /**
         * This instance's identifier in leases, 1-200 characters. Default: {@code <host>/<pid>/<8 random
         * hex>}, the host from the {@code HOSTNAME} (as Kubernetes sets it to the pod name) or {@code
         * COMPUTERNAME} environment variable, without a DNS lookup.
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = InstanceId.checked(instanceId);
            return this;
        }

        public TokenEngine build() {
            if (refresher == null) {
                throw new IllegalStateException("refresher is required");
            }
            if (store == null) {
                throw new IllegalStateException("store is required");
            }
            CoarseClock.checkFits(clockResolution, settings.expirySkew());
            return new TokenEngine(this);
        }
    }
}
