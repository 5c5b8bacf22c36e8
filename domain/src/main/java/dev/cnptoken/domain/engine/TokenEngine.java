package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
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
 *   <li><b>Across processes.</b> Before calling FortiCNP, the engine writes a short {@link Lease}
 *       into the account's state by compare-and-set. Other instances see it and wait for the result
 *       (or keep serving their valid token); if the holder dies, they take over when the lease
 *       lapses. No lock service is needed beyond the store.
 *   <li><b>Static stability.</b> When a refresh fails and the token is still valid, it keeps being
 *       served (reported as stale) while retries back off exponentially with jitter, capped, and
 *       honouring {@code Retry-After}.
 *   <li><b>Refresh-token lifecycle.</b> The engine logs in again with the credential before the
 *       refresh token's lifetime runs out and when a refresh token is rejected. A rotated refresh
 *       token is persisted before the new access token is handed out; a state is only replaced by a
 *       newer one.
 * </ul>
 *
 * Thread-safe. Build with {@link #builder()}.
 */
public final class TokenEngine implements AutoCloseable {
    private static final int MAX_ROUNDS = 8;

    private final TokenRefresher refresher;
    private final TokenStore store;
    private final CredentialSource credentials;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final EngineSettings settings;
    private final TokenEventListener listener;
    private final String instanceId;
    private final ConcurrentMap<AccountId, Slot> slots = new ConcurrentHashMap<>();
    /** Set when a clock resolution was configured: the wall clock as last read by the ticker. */
    private final CoarseClock coarse;

    private TokenEngine(Builder b) {
        this.refresher = b.refresher;
        this.store = b.store;
        this.credentials = b.credentials;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.random = b.random;
        this.settings = b.settings;
        this.listener = b.listener;
        this.instanceId = b.instanceId;
        this.coarse = b.clockResolution == null ? null : new CoarseClock(clock, b.clockResolution);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This instance's identifier, as written into leases. */
    public String instanceId() {
        return instanceId;
    }

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
        if (slot != null) {
            Cached c = slot.cached;
            if (c != null && nowMillis() < c.serveUntil) {
                return c.token;
            }
        }
        return slowToken(account);
    }

    /**
     * A handle on one account's token: {@link TokenHandle#get()} is {@link #currentToken} without the
     * account lookup. Hand it to an HTTP client's interceptor.
     */
    public TokenHandle handle(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        return new TokenHandle(this, account, slot(account), clock, coarse);
    }

    /** Stops the clock ticker, if {@link Builder#clockResolution} started one. Idempotent. */
    @Override
    public void close() {
        if (coarse != null) {
            coarse.stop();
        }
    }

    private long nowMillis() {
        return coarse == null ? clock.millis() : coarse.millis();
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
            return outcome(slot, RefreshOutcome.Result.FAILED, Optional.of(interrupted().failure()), clock.instant());
        }
        try {
            Instant now = clock.instant();
            if (!force && slot.lastFailure != null && now.isBefore(slot.nextAttemptAt)) {
                return outcome(slot, RefreshOutcome.Result.BACKING_OFF, Optional.of(slot.lastFailure.failure()), slot.nextAttemptAt);
            }
            return maintain(slot, force, horizon);
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
        Duration lifetime = Duration.between(state.updatedAt(), state.accessExpiresAt());
        if (lifetime.isNegative()) {
            lifetime = Duration.ZERO;
        }
        Instant planned = state.accessExpiresAt().minus(min(settings.refreshMargin(), scale(lifetime, settings.marginFraction())));
        return min(min(planned, reloginAt(state)), state.accessExpiresAt().minus(settings.expirySkew()));
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
        lockOrThrow(slot);
        try {
            long start = System.nanoTime();
            Instant now = clock.instant();
            TokenGrant grant = checked(refresher.login(credential), TokenCall.LOGIN, now);
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Optional<VersionedState> current = store.read(account);
                Optional<ApiCredential> kept = keepCredential
                        ? Optional.of(credential)
                        : current.flatMap(v -> v.state().credential());
                TokenState next = TokenState.loggedIn(grant, now, kept);
                long expected = current.map(VersionedState::version).orElse(TokenStore.ABSENT);
                CasResult result = store.compareAndSet(account, expected, next);
                if (result instanceof CasResult.Written w) {
                    succeeded(slot, w.state(), clock.instant());
                    emit(new TokenEvent.LoggedIn(account, grant.expiresAt(), Duration.ofNanos(System.nanoTime() - start),
                            "explicit login"));
                    return w.state();
                }
            }
            throw new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE,
                    "could not store the login of account " + account + ": the state kept changing under concurrent writers"));
        } finally {
            slot.lock.unlock();
        }
    }

    /** This engine's in-memory view of {@code account}; no I/O. */
    public AccountHealth health(AccountId account) {
        Slot slot = slots.get(account);
        if (slot == null) {
            return new AccountHealth(account, Optional.empty(), Optional.empty(), false, 0, Optional.empty(), Optional.empty());
        }
        TokenException last = slot.lastFailure;
        Instant next = slot.nextAttemptAt;
        return new AccountHealth(account,
                Optional.ofNullable(slot.expiresAt),
                Optional.ofNullable(slot.dueAt),
                slot.stale,
                slot.failures,
                Optional.ofNullable(last).map(TokenException::failure),
                last == null ? Optional.empty() : Optional.of(next));
    }

    // ---------------------------------------------------------------------------------------------

    AccessToken slowToken(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        Slot slot = slot(account);
        Cached c = slot.cached;
        long now = clock.millis();
        if (c != null && now < c.serveUntil) {
            return c.token;
        }
        if (c != null && now < c.validUntil) {
            if (!slot.lock.tryLock()) {
                return c.token; // another thread is refreshing; this token is still good
            }
        } else {
            lockOrThrow(slot);
        }
        try {
            c = slot.cached;
            now = clock.millis();
            if (c != null && now < c.serveUntil) {
                return c.token;
            }
            boolean backingOff = slot.lastFailure != null && clock.instant().isBefore(slot.nextAttemptAt);
            if (!backingOff) {
                maintain(slot, false, Duration.ZERO);
                c = slot.cached;
                now = clock.millis();
            }
            if (c != null && now < c.validUntil) {
                return c.token;
            }
            if (slot.lastFailure != null) {
                throw new TokenException(slot.lastFailure.failure(), slot.lastFailure);
            }
            throw new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(),
                    "no valid token for account " + account + " yet: another instance is still refreshing it"));
        } finally {
            slot.lock.unlock();
        }
    }

    /** One refresh cycle. Caller holds the slot's lock. Never throws a TokenException. */
    private RefreshOutcome maintain(Slot slot, boolean force, Duration horizon) {
        AccountId account = slot.account;
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Instant now = clock.instant();
                Optional<VersionedState> read = store.read(account);
                if (read.isEmpty()) {
                    return bootstrap(slot);
                }
                VersionedState vs = read.get();
                TokenState state = vs.state();
                boolean adopted = observe(slot, vs, now);
                if (!force && now.plus(horizon).isBefore(slot.dueAt)) {
                    if (adopted) {
                        emit(new TokenEvent.Adopted(account, state.accessExpiresAt()));
                    }
                    return outcome(slot, adopted ? RefreshOutcome.Result.ADOPTED : RefreshOutcome.Result.NOT_DUE,
                            Optional.empty(), slot.dueAt);
                }
                Optional<Lease> lease = state.lease().filter(l -> !l.owner().equals(instanceId));
                if (lease.isPresent() && lease.get().heldAt(now)) {
                    Cached c = slot.cached;
                    if (c != null && now.toEpochMilli() < c.validUntil) {
                        Instant recheck = min(now.plus(settings.leasePollInterval()), Instant.ofEpochMilli(c.validUntil));
                        slot.cached = new Cached(c.token, recheck.toEpochMilli(), c.validUntil);
                        return outcome(slot, RefreshOutcome.Result.BUSY, Optional.empty(), recheck);
                    }
                    Instant waitStart = now;
                    waitForLease(account, vs, lease.get());
                    Optional<VersionedState> after = store.read(account);
                    if (after.isPresent() && after.get().version() != vs.version()) {
                        TokenState s = after.get().state();
                        boolean taken = observe(slot, after.get(), clock.instant());
                        if (taken && clock.instant().isBefore(slot.dueAt)) {
                            emit(new TokenEvent.Adopted(account, s.accessExpiresAt()));
                            return outcome(slot, RefreshOutcome.Result.ADOPTED, Optional.empty(), slot.dueAt);
                        }
                        if (s.lease().isEmpty() && s.lastFailure().isPresent()
                                && !s.lastFailure().get().at().isBefore(waitStart)) {
                            FailureNote note = s.lastFailure().get();
                            return failed(slot, new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(),
                                    "the refresh by another instance failed: " + note.detail())));
                        }
                    }
                    continue;
                }
                Lease mine = new Lease(instanceId, now.plus(settings.leaseDuration()));
                CasResult leased = store.compareAndSet(account, vs.version(), state.withLease(mine));
                if (!(leased instanceof CasResult.Written w)) {
                    continue;
                }
                if (state.lease().isPresent() && lease.isPresent()) {
                    emit(new TokenEvent.LeaseTakenOver(account, lease.get().owner(), lease.get().until()));
                }
                return callAndStore(slot, w.state(), force);
            }
            Cached c = slot.cached;
            return outcome(slot, c != null && clock.millis() < c.validUntil ? RefreshOutcome.Result.BUSY : RefreshOutcome.Result.FAILED,
                    Optional.empty(), clock.instant().plus(settings.leasePollInterval()));
        } catch (TokenException e) {
            return failed(slot, e);
        }
    }

    /** No state stored yet: log in with the configured credential and create it. */
    private RefreshOutcome bootstrap(Slot slot) {
        AccountId account = slot.account;
        Optional<ApiCredential> credential = credentials.credential(account);
        if (credential.isEmpty()) {
            return failed(slot, new TokenException(new Failure.NotConfigured("account " + account
                    + " has no stored tokens and no API credential to log in with (run the login first)")));
        }
        long start = System.nanoTime();
        Instant now = clock.instant();
        TokenGrant grant = checked(refresher.login(credential.get()), TokenCall.LOGIN, now);
        CasResult result = store.compareAndSet(account, TokenStore.ABSENT, TokenState.loggedIn(grant, now, Optional.empty()));
        if (result instanceof CasResult.Written w) {
            succeeded(slot, w.state(), clock.instant());
            emit(new TokenEvent.LoggedIn(account, grant.expiresAt(), Duration.ofNanos(System.nanoTime() - start), "no stored state"));
            return outcome(slot, RefreshOutcome.Result.LOGGED_IN, Optional.empty(), slot.dueAt);
        }
        // another instance created the account first: take what it stored
        Optional<VersionedState> theirs = store.read(account);
        if (theirs.isPresent()) {
            succeeded(slot, theirs.get(), clock.instant());
            emit(new TokenEvent.Adopted(account, theirs.get().state().accessExpiresAt()));
            return outcome(slot, RefreshOutcome.Result.ADOPTED, Optional.empty(), slot.dueAt);
        }
        return failed(slot, new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE,
                "the state of account " + account + " vanished while it was being created")));
    }

    /** Holding the lease in {@code leased}: call FortiCNP and store the result. */
    private RefreshOutcome callAndStore(Slot slot, VersionedState leased, boolean force) {
        AccountId account = slot.account;
        TokenState state = leased.state();
        Instant now = clock.instant();
        long start = System.nanoTime();
        TokenCall call;
        TokenGrant grant;
        String loginReason;
        try {
            Optional<ApiCredential> credential = credentials.credential(account).or(state::credential);
            boolean reloginDue = !now.isBefore(reloginAt(state));
            // Without a credential a re-login cannot happen: plan by the access token alone, and say so once.
            boolean wasMissing = slot.credentialMissing;
            slot.credentialMissing = reloginDue && credential.isEmpty();
            if (slot.credentialMissing && !wasMissing) {
                emit(new TokenEvent.CredentialMissing(account, state.refreshExpiresAt(settings.refreshTokenLifetime())));
            }
            if (reloginDue && credential.isPresent()) {
                call = TokenCall.LOGIN;
                loginReason = "refresh token near end of life";
                grant = checked(refresher.login(credential.get()), call, now);
            } else {
                try {
                    call = TokenCall.REFRESH;
                    loginReason = "";
                    grant = checked(refresher.refresh(state.refreshToken()), call, now);
                } catch (TokenException e) {
                    if (!(e.failure() instanceof Failure.Rejected r) || r.subject() != Failure.Subject.REFRESH_TOKEN) {
                        throw e;
                    }
                    if (credential.isEmpty()) {
                        throw new TokenException(new Failure.Rejected(r.subject(), r.status(), r.oauthError(),
                                r.detail() + "; no API credential is configured to log in again"), e);
                    }
                    call = TokenCall.LOGIN;
                    loginReason = "refresh token rejected";
                    grant = checked(refresher.login(credential.get()), call, now);
                }
            }
        } catch (TokenException e) {
            releaseAfterFailure(slot, leased, e, now);
            return failed(slot, e);
        } catch (RuntimeException e) {
            // A transport bug. Its message may hold anything, so only its type is reported.
            TokenException wrapped = new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(),
                    "unexpected " + e.getClass().getName() + " from the token refresher"));
            releaseAfterFailure(slot, leased, wrapped, now);
            return failed(slot, wrapped);
        }

        TokenState next = call == TokenCall.LOGIN
                ? TokenState.loggedIn(grant, now, state.credential())
                : state.refreshed(grant, now);
        CasResult stored;
        try {
            stored = store.compareAndSet(account, leased.version(), next);
        } catch (TokenException e) {
            return unknownWrite(slot, grant, next, e);
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (stored instanceof CasResult.Written w) {
            succeeded(slot, w.state(), clock.instant());
            if (call == TokenCall.LOGIN) {
                emit(new TokenEvent.LoggedIn(account, grant.expiresAt(), latency, loginReason));
                return outcome(slot, RefreshOutcome.Result.LOGGED_IN, Optional.empty(), slot.dueAt);
            }
            emit(new TokenEvent.Refreshed(account, grant.expiresAt(), latency, grant.refreshToken().isPresent()));
            return outcome(slot, RefreshOutcome.Result.REFRESHED, Optional.empty(), slot.dueAt);
        }
        // Our lease lapsed and another instance moved the state on: its state wins.
        Optional<VersionedState> theirs = store.read(account);
        theirs.ifPresent(v -> observe(slot, v, clock.instant()));
        emit(new TokenEvent.Adopted(account, theirs.map(v -> v.state().accessExpiresAt()).orElse(grant.expiresAt())));
        return outcome(slot, RefreshOutcome.Result.ADOPTED, Optional.empty(), slot.dueAt == null ? clock.instant() : slot.dueAt);
    }

    /**
     * The store failed while writing a new state: the write may or may not have landed. Re-read once
     * to find out; never write blindly again.
     */
    private RefreshOutcome unknownWrite(Slot slot, TokenGrant grant, TokenState next, TokenException storeFailure) {
        try {
            Optional<VersionedState> now = store.read(slot.account);
            if (now.isPresent() && now.get().state().accessToken().equals(grant.accessToken())) {
                succeeded(slot, now.get(), clock.instant());
                emit(new TokenEvent.Refreshed(slot.account, grant.expiresAt(), Duration.ZERO, grant.refreshToken().isPresent()));
                return outcome(slot, RefreshOutcome.Result.REFRESHED, Optional.empty(), slot.dueAt);
            }
        } catch (TokenException ignored) {
            // still failing: fall through
        }
        if (grant.refreshToken().isEmpty()) {
            // The stored refresh token still works, so the new access token may be served from memory.
            remember(slot, next, clock.instant());
        }
        // A rotated refresh token that could not be persisted is not used: handing out its access
        // token would leave the store with a refresh token the server may have retired.
        return failed(slot, storeFailure);
    }

    private void releaseAfterFailure(Slot slot, VersionedState leased, TokenException e, Instant now) {
        try {
            store.compareAndSet(slot.account, leased.version(), leased.state().failed(FailureNote.of(e.failure(), now)));
        } catch (TokenException ignored) {
            // The lease lapses by itself.
        }
    }

    private void waitForLease(AccountId account, VersionedState seen, Lease lease) {
        while (true) {
            Instant now = clock.instant();
            if (!lease.heldAt(now)) {
                return;
            }
            Duration left = Duration.between(now, lease.until());
            Duration nap = left.compareTo(settings.leasePollInterval()) < 0 ? left : settings.leasePollInterval();
            try {
                sleeper.sleep(nap.isZero() ? Duration.ofMillis(1) : nap);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted();
            }
            Optional<VersionedState> now2 = store.read(account);
            if (now2.isEmpty() || now2.get().version() != seen.version()) {
                return;
            }
        }
    }

    /**
     * Takes note of a state read from the store. Returns whether it replaced a token this engine
     * held (another instance refreshed it). A stored token never replaces a held one that lives
     * longer.
     */
    private boolean observe(Slot slot, VersionedState vs, Instant now) {
        TokenState s = vs.state();
        Cached c = slot.cached;
        if (c != null && c.token.equals(s.accessToken())) {
            plan(slot, s, false, now);
            return false;
        }
        if (c != null && slot.expiresAt != null && s.accessExpiresAt().isBefore(slot.expiresAt)) {
            return false;
        }
        remember(slot, s, now);
        return c != null;
    }

    private void remember(Slot slot, TokenState s, Instant now) {
        slot.expiresAt = s.accessExpiresAt();
        plan(slot, s, true, now);
        long validUntil = s.accessExpiresAt().minus(settings.expirySkew()).toEpochMilli();
        slot.cached = new Cached(s.accessToken(), Math.min(slot.dueAt.toEpochMilli(), validUntil), validUntil);
    }

    /** Computes when {@code s} falls due: refresh-ahead with jitter, or re-login before the refresh token ends. */
    private void plan(Slot slot, TokenState s, boolean newToken, Instant now) {
        if (newToken || slot.plannedRefreshAt == null) {
            Duration lifetime = Duration.between(s.updatedAt(), s.accessExpiresAt());
            if (lifetime.isNegative()) {
                lifetime = Duration.ZERO;
            }
            Duration margin = min(settings.refreshMargin(), scale(lifetime, settings.marginFraction()));
            Duration jitterMax = min(settings.maxJitter(), scale(lifetime, settings.jitterFraction()));
            Duration jitter = scale(jitterMax, random.getAsDouble());
            slot.plannedRefreshAt = s.accessExpiresAt().minus(margin).minus(jitter);
        }
        Instant validUntil = s.accessExpiresAt().minus(settings.expirySkew());
        Instant due = slot.credentialMissing ? slot.plannedRefreshAt : min(slot.plannedRefreshAt, reloginAt(s));
        slot.dueAt = min(due, validUntil);
    }

    private Instant reloginAt(TokenState s) {
        Duration lifetime = settings.refreshTokenLifetime();
        Duration margin = min(settings.reloginMargin(), scale(lifetime, settings.marginFraction()));
        return s.refreshIssuedAt().plus(lifetime).minus(margin);
    }

    private void succeeded(Slot slot, VersionedState vs, Instant now) {
        slot.failures = 0;
        slot.lastFailure = null;
        slot.nextAttemptAt = Instant.MIN;
        slot.stale = false;
        remember(slot, vs.state(), now);
    }

    private RefreshOutcome failed(Slot slot, TokenException e) {
        Instant now = clock.instant();
        slot.failures++;
        slot.lastFailure = e;
        Duration delay = backoff(slot.failures, e.failure());
        slot.nextAttemptAt = now.plus(delay);
        Cached c = slot.cached;
        boolean valid = c != null && now.toEpochMilli() < c.validUntil;
        slot.stale = valid;
        if (c != null) {
            slot.cached = new Cached(c.token, Math.min(slot.nextAttemptAt.toEpochMilli(), c.validUntil), c.validUntil);
        }
        emit(new TokenEvent.Failed(slot.account, e.failure(), slot.failures, delay, valid));
        if (valid) {
            emit(new TokenEvent.ServingStale(slot.account, Instant.ofEpochMilli(c.validUntil)));
        }
        return outcome(slot, RefreshOutcome.Result.FAILED, Optional.of(e.failure()), slot.nextAttemptAt);
    }

    /**
     * Exponential backoff with jitter: a random delay between the base and min(cap, base * 2^(n-1)).
     * Permanent failures wait the cap. A server's {@code Retry-After} (up to its own cap) is a floor.
     */
    Duration backoff(int failures, Failure failure) {
        Duration delay;
        if (!failure.retryable()) {
            delay = settings.backoffCap();
        } else {
            long base = settings.backoffBase().toMillis();
            long cap = settings.backoffCap().toMillis();
            int shift = Math.min(failures - 1, 30);
            long ceiling = Math.min(cap, base << shift);
            delay = Duration.ofMillis(base + (long) (random.getAsDouble() * (ceiling - base)));
        }
        if (failure instanceof Failure.Unavailable u && u.retryAfter().isPresent()) {
            Duration server = min(u.retryAfter().get(), settings.maxRetryAfter());
            if (server.compareTo(delay) > 0) {
                delay = server;
            }
        }
        return delay;
    }

    /** Rejects a grant that is already expired (or nearly) or a login without a refresh token. */
    private TokenGrant checked(TokenGrant grant, TokenCall call, Instant now) {
        if (grant == null) {
            throw new TokenException(new Failure.Malformed("the token refresher returned no grant"));
        }
        if (!grant.expiresAt().isAfter(now)) {
            throw new TokenException(new Failure.Malformed("expires (" + grant.expiresAt()
                    + ") is in the past; check the clock of this host"));
        }
        if (!grant.expiresAt().isAfter(now.plus(settings.expirySkew()))) {
            throw new TokenException(new Failure.Malformed("the new token lives " + Duration.between(now, grant.expiresAt()).toMillis()
                    + " ms, not longer than the expiry skew (" + settings.expirySkew().toMillis()
                    + " ms); lower the expiry skew or check the clock of this host"));
        }
        if (call == TokenCall.LOGIN && grant.refreshToken().isEmpty()) {
            throw new TokenException(new Failure.Malformed("the login answer carried no refresh_token"));
        }
        return grant;
    }

    private RefreshOutcome outcome(Slot slot, RefreshOutcome.Result result, Optional<Failure> failure, Instant nextCheckAt) {
        return new RefreshOutcome(slot.account, result, failure, Optional.ofNullable(slot.expiresAt), nextCheckAt, slot.stale);
    }

    private void emit(TokenEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException ignored) {
            // observability must never break token serving
        }
    }

    private Slot slot(AccountId account) {
        return slots.computeIfAbsent(account, Slot::new);
    }

    private static void lockOrThrow(Slot slot) {
        try {
            slot.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted();
        }
    }

    private static TokenException interrupted() {
        return new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), "interrupted while waiting"));
    }

    private static Duration scale(Duration d, double f) {
        return Duration.ofNanos((long) (d.toNanos() * f));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** What the hit path reads: one volatile field, one immutable object. */
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

    /** Per-account state. Fields other than {@code cached} are written under {@code lock}. */
    static final class Slot {
        final AccountId account;
        final ReentrantLock lock = new ReentrantLock();
        volatile Cached cached;
        volatile Instant expiresAt;
        volatile Instant dueAt;
        volatile boolean stale;
        /** A re-login was due but no credential was found: refresh by the access token's schedule meanwhile. */
        boolean credentialMissing;
        volatile int failures;
        volatile TokenException lastFailure;
        volatile Instant nextAttemptAt = Instant.MIN;
        Instant plannedRefreshAt;

        Slot(AccountId account) {
            this.account = account;
        }
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
        private String instanceId = defaultInstanceId();
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
            Objects.requireNonNull(resolution, "resolution == null");
            if (resolution.isZero() || resolution.isNegative()) {
                throw new IllegalArgumentException("clockResolution must be positive, got " + resolution);
            }
            this.clockResolution = resolution;
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

        /** This instance's identifier in leases. Default: process id and a random part. */
        public Builder instanceId(String instanceId) {
            Objects.requireNonNull(instanceId, "instanceId == null");
            if (instanceId.isBlank() || instanceId.length() > 200) {
                throw new IllegalArgumentException("instanceId must be 1-200 characters");
            }
            this.instanceId = instanceId;
            return this;
        }

        public TokenEngine build() {
            if (refresher == null) {
                throw new IllegalStateException("refresher is required");
            }
            if (store == null) {
                throw new IllegalStateException("store is required");
            }
            if (clockResolution != null && clockResolution.multipliedBy(10).compareTo(settings.expirySkew()) > 0) {
                throw new IllegalStateException("clockResolution (" + clockResolution
                        + ") must be at most a tenth of the expiry skew (" + settings.expirySkew() + ")");
            }
            return new TokenEngine(this);
        }

        private static String defaultInstanceId() {
            return "pid-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
