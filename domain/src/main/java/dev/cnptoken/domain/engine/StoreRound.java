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
import dev.cnptoken.domain.engine.FortiCnpCalls.Obtained;
import dev.cnptoken.domain.engine.TokenEvent.Refreshed;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Brings one account's state forward through the shared store, in named steps: {@link
 * #readAndAdopt read and adopt}, {@link #waitForForeignLease wait for a foreign lease}, {@link
 * #takeLease take the lease}, {@link #callFortiCnpAndStore call FortiCNP and store}, {@link
 * #releaseAfterFailure release after failure}, {@link #settleUnknownWrite settle an unknown write}.
 *
 * <p>{@link #run} chains the steps into one refresh cycle; {@link #createByLogin} and {@link
 * #login} are the two ways an account's state is made by a login; {@link #invalidate} is the entry
 * step after the FortiCNP API refused a token. The steps are package-private so
 * that other entry points of the engine (a forced refresh after a rejected token, say) can chain them
 * differently. The caller holds the slot's lock
 * for every method. A failure is recorded in the slot and reported in the returned outcome, never
 * thrown (except by {@link #login}). A write that fails with {@code OUTCOME_UNKNOWN} is settled by
 * reading the account again, never by writing again blindly; any other write failure means the write
 * did not happen.
 */
final class StoreRound {
    /** Compare-and-set races lost in a row before a cycle gives up (the next call tries again). */
    private static final int MAX_ROUNDS = 8;

    private final TokenStore store;
    /** How a new grant is got from FortiCNP. */
    private final FortiCnpCalls fortiCnp;
    private final Clock clock;
    private final Sleeper sleeper;
    private final EngineSettings settings;
    /** This engine's name in leases: a lease with it is this engine's own. */
    private final String instanceId;
    /** The engine's listener, already guarded so that it never throws. */
    private final TokenEventListener events;

    StoreRound(TokenStore store, FortiCnpCalls fortiCnp, Clock clock, Sleeper sleeper, EngineSettings settings,
            String instanceId, TokenEventListener events) {
        this.store = store;
        this.fortiCnp = fortiCnp;
        this.clock = clock;
        this.sleeper = sleeper;
        this.settings = settings;
        this.instanceId = instanceId;
        this.events = events;
    }

    /**
     * One refresh cycle: reads the store, and when the token is due (or {@code force}), takes the
     * lease, calls FortiCNP and stores the result; or waits for another instance that holds the
     * lease; or creates the account by a login when nothing is stored.
     *
     * @param horizon also treat as due a token that falls due within this much time
     */
    RefreshOutcome run(Slot slot, boolean force, Duration horizon) {
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Instant now = clock.instant();
                Optional<Read> read = readAndAdopt(slot);
                if (read.isEmpty()) {
                    return createByLogin(slot);
                }
                VersionedState seen = read.get().current();
                if (!force && now.plus(horizon).isBefore(slot.status().dueAt())) {
                    return notDue(slot, read.get());
                }
                Optional<Lease> foreign = seen.state().lease().filter(l -> !l.owner().equals(instanceId));
                if (foreign.isPresent() && foreign.get().heldAt(now)) {
                    Optional<RefreshOutcome> settled = waitForForeignLease(slot, seen, foreign.get(), now);
                    if (settled.isPresent()) {
                        return settled.get();
                    }
                    continue;
                }
                Optional<FailureNote> holdingOff = seen.state().lastFailure().filter(n -> n.holdsOffAt(now));
                if (!force && holdingOff.isPresent()) {
                    return backOffAsRecorded(slot, holdingOff.get(), now);
                }
                Optional<VersionedState> leased = takeLease(slot, seen, foreign, now);
                if (leased.isPresent()) {
                    return callFortiCnpAndStore(slot, leased.get(), force ? Refreshed.Reason.FORCED : Refreshed.Reason.SCHEDULED);
                }
            }
            return gaveUp(slot);
        } catch (TokenException e) {
            return failed(slot, e);
        }
    }

    /**
     * Entry step of {@link TokenEngine#invalidate}: the FortiCNP API refused {@code rejected}, which is
     * the token this engine holds (or it holds none). Adopts a different token another instance
     * stored; waits while another instance holds the lease, then adopts its result or shares its
     * failure; otherwise takes the lease and refreshes although the token is not due (a rejected
     * refresh token falls back to a login, as in every cycle). Creates the account by a login when
     * nothing is stored.
     */
    RefreshOutcome invalidate(Slot slot, AccessToken rejected) {
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Instant now = clock.instant();
                Optional<VersionedState> read = store.read(slot.account);
                if (read.isEmpty()) {
                    return createByLogin(slot);
                }
                VersionedState seen = read.get();
                if (adoptedReplacement(slot, seen.state(), rejected, now)) {
                    events.onEvent(new TokenEvent.Adopted(slot.account, seen.state().accessExpiresAt()));
                    return slot.outcome(RefreshOutcome.Result.ADOPTED, Optional.empty(), slot.status().dueAt());
                }
                Optional<Lease> foreign = seen.state().lease().filter(l -> !l.owner().equals(instanceId));
                if (foreign.isPresent() && foreign.get().heldAt(now)) {
                    sleepWhileHeld(slot.account, seen, foreign.get());
                    Optional<RefreshOutcome> shared = theirFailure(slot, rejected, now);
                    if (shared.isPresent()) {
                        return shared.get();
                    }
                    continue;
                }
                // A failure another instance (or an earlier process) recorded holds off every caller until its time.
                Optional<FailureNote> holdingOff = seen.state().lastFailure().filter(n -> n.holdsOffAt(now));
                if (holdingOff.isPresent()) {
                    return backOffAsRecorded(slot, holdingOff.get(), now);
                }
                Optional<VersionedState> leased = takeLease(slot, seen, foreign, now);
                if (leased.isPresent()) {
                    return callFortiCnpAndStore(slot, leased.get(), Refreshed.Reason.INVALIDATED);
                }
            }
            return gaveUp(slot);
        } catch (TokenException e) {
            return failed(slot, e);
        }
    }

    /**
     * Step: reads the account and adopts a valid stored token other than {@code rejected}, without
     * calling FortiCNP (for an invalidation while a failed refresh backs off). False when there is
     * none or the store cannot be read.
     */
    boolean adoptReplacement(Slot slot, AccessToken rejected) {
        Optional<VersionedState> read;
        try {
            read = store.read(slot.account);
        } catch (TokenException e) {
            return false; // the backing-off failure is what the caller reports
        }
        if (read.isPresent() && adoptedReplacement(slot, read.get().state(), rejected, clock.instant())) {
            events.onEvent(new TokenEvent.Adopted(slot.account, read.get().state().accessExpiresAt()));
            return true;
        }
        return false;
    }

    /**
     * Step: reads the account and takes note of what is stored, adopting a token another instance
     * stored. Empty when nothing is stored for the account.
     */
    Optional<Read> readAndAdopt(Slot slot) {
        return store.read(slot.account).map(current -> {
            boolean firstLoad = slot.validUntil().isEmpty();
            boolean adopted = slot.observe(current.state());
            if (firstLoad && slot.validUntil().isPresent()) {
                // This instance's first load of a stored state is an adoption too (nothing was held to replace).
                events.onEvent(new TokenEvent.Adopted(slot.account, current.state().accessExpiresAt()));
            }
            return new Read(current, adopted);
        });
    }

    /**
     * Step: another instance holds a live lease. With a valid token, keep serving it and look again
     * after the poll interval (BUSY); without one, wait until the lease ends or the state changes,
     * then adopt the holder's token or share its failure. Empty when the caller should read again.
     */
    Optional<RefreshOutcome> waitForForeignLease(Slot slot, VersionedState seen, Lease lease, Instant now) {
        Optional<Instant> validUntil = slot.validUntil().filter(now::isBefore);
        if (validUntil.isPresent()) {
            Instant recheck = SchedulePolicy.min(now.plus(settings.leasePollInterval()), validUntil.get());
            slot.serveUntil(recheck);
            return Optional.of(slot.outcome(RefreshOutcome.Result.BUSY, Optional.empty(), recheck));
        }
        sleepWhileHeld(slot.account, seen, lease);
        Optional<VersionedState> after = store.read(slot.account);
        if (after.isEmpty() || after.get().version() == seen.version()) {
            return Optional.empty();
        }
        TokenState theirs = after.get().state();
        if (slot.observe(theirs) && clock.instant().isBefore(slot.status().dueAt())) {
            events.onEvent(new TokenEvent.Adopted(slot.account, theirs.accessExpiresAt()));
            return Optional.of(slot.outcome(RefreshOutcome.Result.ADOPTED, Optional.empty(), slot.status().dueAt()));
        }
        Optional<FailureNote> note = theirs.lastFailure();
        if (theirs.lease().isEmpty() && note.isPresent() && !note.get().at().isBefore(now)) {
            return Optional.of(sharedFailure(slot, note.get()));
        }
        return Optional.empty();
    }

    /**
     * Step: writes this engine's lease into {@code seen} by compare-and-set. Empty when another
     * writer got there first. Taking over a lapsed {@code foreign} lease is reported.
     */
    Optional<VersionedState> takeLease(Slot slot, VersionedState seen, Optional<Lease> foreign, Instant now) {
        Lease mine = new Lease(instanceId, now.plus(settings.leaseDuration()));
        CasResult result = store.compareAndSet(slot.account, seen.version(), seen.state().withLease(mine));
        if (!(result instanceof CasResult.Written written)) {
            return Optional.empty();
        }
        foreign.ifPresent(l -> events.onEvent(new TokenEvent.LeaseTakenOver(slot.account, l.owner(), l.until())));
        return Optional.of(written.state());
    }

    /** Step: holding the lease in {@code leased}, gets a new grant from FortiCNP and stores it; a refresh is reported with {@code reason}. */
    RefreshOutcome callFortiCnpAndStore(Slot slot, VersionedState leased, Refreshed.Reason reason) {
        Instant now = clock.instant();
        long start = System.nanoTime();
        Obtained obtained;
        try {
            obtained = fortiCnp.refreshOrLogIn(slot, leased.state(), now);
        } catch (TokenException e) {
            return releaseAfterFailure(slot, leased, e);
        } catch (RuntimeException e) {
            // A transport bug. Its message may hold anything, so only its type is reported.
            return releaseAfterFailure(slot, leased, new TokenException(new Failure.Unavailable(OptionalInt.empty(),
                    Optional.empty(), "unexpected " + e.getClass().getName() + " from the token refresher")));
        }
        TokenState next = obtained.call() == TokenCall.LOGIN
                ? TokenState.loggedIn(obtained.grant(), now, leased.state().credential())
                : leased.state().refreshed(obtained.grant(), now);
        return write(slot, new Pending(obtained, noted(next, obtained, now), leased.version(), Optional.of(leased), start, reason));
    }

    /**
     * Step: records the failure, then clears this engine's lease in {@code leased}, leaving a note of
     * {@code e} and of when to try again for other instances (and for this account's next process).
     */
    RefreshOutcome releaseAfterFailure(Slot slot, VersionedState leased, TokenException e) {
        RefreshOutcome outcome = failed(slot, e);
        release(slot.account, leased, e, outcome.nextCheckAt());
        return outcome;
    }

    /**
     * Step: the write of {@code pending} failed with {@code OUTCOME_UNKNOWN}. Reads the account once
     * to learn whether it landed, and never writes it again blindly: landed, it succeeded; the state
     * still at the expected version, it did not happen; moved on by another writer, that state wins;
     * still unreadable, the outcome stays unknown and the lease is left to lapse.
     */
    RefreshOutcome settleUnknownWrite(Slot slot, Pending pending, TokenException unknown) {
        Optional<VersionedState> after;
        try {
            after = store.read(slot.account);
        } catch (TokenException stillFailing) {
            return keepWhatIsSafe(slot, pending, unknown);
        }
        if (after.isPresent() && after.get().state().accessToken().equals(pending.obtained().grant().accessToken())) {
            return stored(slot, pending, after.get());
        }
        if (after.map(VersionedState::version).orElse(TokenStore.ABSENT) == pending.expectedVersion()) {
            return writeFailed(slot, pending, unknown);
        }
        return lostTheRace(slot, pending, after);
    }

    /** No state is stored yet: logs in with the configured credential and creates the account. */
    RefreshOutcome createByLogin(Slot slot) {
        Optional<ApiCredential> credential = fortiCnp.configuredCredential(slot.account);
        if (credential.isEmpty()) {
            return failed(slot, new TokenException(new Failure.NotConfigured("account " + slot.account
                    + " has no stored tokens and no API credential to log in with (run the login first)")));
        }
        long start = System.nanoTime();
        Instant now = clock.instant();
        Obtained obtained = fortiCnp.logIn(credential.get(), "no stored state", now);
        TokenState next = noted(TokenState.loggedIn(obtained.grant(), now, Optional.empty()), obtained, now);
        return write(slot, new Pending(obtained, next, TokenStore.ABSENT, Optional.empty(), start));
    }

    /**
     * Logs in with {@code credential} and stores the result, replacing whatever is stored.
     *
     * @param keepCredential keep the credential in the stored state; when false, a credential already
     *     stored is kept as it is
     * @throws TokenException when FortiCNP refuses or cannot be reached, or the store fails
     */
    VersionedState login(Slot slot, ApiCredential credential, boolean keepCredential) {
        long start = System.nanoTime();
        Instant now = clock.instant();
        Obtained obtained = fortiCnp.logIn(credential, "explicit login", now);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<VersionedState> current = store.read(slot.account);
            Optional<ApiCredential> kept = keepCredential
                    ? Optional.of(credential)
                    : current.flatMap(v -> v.state().credential());
            TokenState next = noted(TokenState.loggedIn(obtained.grant(), now, kept), obtained, now);
            long expected = current.map(VersionedState::version).orElse(TokenStore.ABSENT);
            Optional<VersionedState> written = replace(slot.account, expected, next);
            if (written.isPresent()) {
                stored(slot, new Pending(obtained, next, expected, Optional.empty(), start), written.get());
                if (obtained.unusable().isPresent()) {
                    throw new TokenException(obtained.unusable().get());
                }
                return written.get();
            }
        }
        throw new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE, "could not store the login of account "
                + slot.account + ": the state kept changing under concurrent writers"));
    }

    /** Whether {@code e} says a write may or may not have taken place. */
    static boolean outcomeUnknown(TokenException e) {
        return e.failure() instanceof Failure.StoreFailure f && f.reason() == Failure.StoreFailure.Reason.OUTCOME_UNKNOWN;
    }

    static TokenException interrupted() {
        return new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), "interrupted while waiting"));
    }

    // ---------------------------------------------------------------------------------------------

    /** Writes the new state of {@code pending} and acts on the answer. */
    private RefreshOutcome write(Slot slot, Pending pending) {
        CasResult result;
        try {
            result = store.compareAndSet(slot.account, pending.expectedVersion(), pending.next());
        } catch (TokenException e) {
            return outcomeUnknown(e) ? settleUnknownWrite(slot, pending, e) : writeFailed(slot, pending, e);
        }
        if (result instanceof CasResult.Written written) {
            return stored(slot, pending, written.state());
        }
        return lostTheRace(slot, pending, store.read(slot.account));
    }

    /** The new state is stored as {@code stored}: hold it and report a refresh or a login. */
    private RefreshOutcome stored(Slot slot, Pending pending, VersionedState stored) {
        Optional<Failure> unusable = pending.obtained().unusable();
        if (unusable.isPresent()) {
            // Its refresh token is stored; its access token is not handed out, and the held one (if
            // still valid) keeps being served. Retrying cannot help until a setting or the clock is fixed.
            return failed(slot, new TokenException(unusable.get()), stored.state().lastFailure().flatMap(FailureNote::nextAttemptAt));
        }
        slot.succeeded(stored.state());
        TokenGrant grant = pending.obtained().grant();
        Duration latency = Duration.ofNanos(System.nanoTime() - pending.startNanos());
        if (pending.obtained().call() == TokenCall.LOGIN) {
            events.onEvent(new TokenEvent.LoggedIn(slot.account, grant.expiresAt(), latency, pending.obtained().loginReason()));
            return slot.outcome(RefreshOutcome.Result.LOGGED_IN, Optional.empty(), slot.status().dueAt());
        }
        events.onEvent(new TokenEvent.Refreshed(slot.account, grant.expiresAt(), latency, grant.refreshToken().isPresent(),
                pending.reason()));
        return slot.outcome(RefreshOutcome.Result.REFRESHED, Optional.empty(), slot.status().dueAt());
    }

    /** Another writer moved the state on first (our lease lapsed, or another instance created the account): its state wins. */
    private RefreshOutcome lostTheRace(Slot slot, Pending pending, Optional<VersionedState> theirs) {
        if (pending.leased().isEmpty()) {
            if (theirs.isEmpty()) {
                return failed(slot, new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE,
                        "the state of account " + slot.account + " vanished while it was being created")));
            }
            slot.succeeded(theirs.get().state());
        } else {
            theirs.ifPresent(v -> slot.observe(v.state()));
        }
        Instant expiresAt = theirs.map(v -> v.state().accessExpiresAt()).orElse(pending.obtained().grant().expiresAt());
        events.onEvent(new TokenEvent.Adopted(slot.account, expiresAt));
        Instant due = slot.status().dueAt();
        return slot.outcome(RefreshOutcome.Result.ADOPTED, Optional.empty(), due == null ? clock.instant() : due);
    }

    /** The write of {@code pending} did not happen: keep what is safe and release the lease, which is still ours. */
    private RefreshOutcome writeFailed(Slot slot, Pending pending, TokenException e) {
        RefreshOutcome outcome = keepWhatIsSafe(slot, pending, e);
        pending.leased().ifPresent(leased -> release(slot.account, leased, e, outcome.nextCheckAt()));
        return outcome;
    }

    /**
     * {@code next}, with a note of why its access token is unusable when {@code obtained} says so,
     * and the backoff of a failure no retry can mend.
     */
    private TokenState noted(TokenState next, Obtained obtained, Instant now) {
        return obtained.unusable()
                .map(f -> next.failed(FailureNote.of(f, now, now.plus(settings.backoffCap()))))
                .orElse(next);
    }

    /**
     * The stored note of the last failure, written by this or another instance, holds off calls until
     * its retry time: back off until then, as the instance that failed does.
     */
    private RefreshOutcome backOffAsRecorded(Slot slot, FailureNote note, Instant now) {
        slot.failedUntil(new TokenException(note.failure()), note.nextAttemptAt().orElseThrow(), now);
        return slot.backingOff();
    }

    /** The new state is not known to be stored: serve its token only if the stored refresh token still works. */
    private RefreshOutcome keepWhatIsSafe(Slot slot, Pending pending, TokenException e) {
        if (pending.obtained().grant().refreshToken().isEmpty()) {
            // No refresh token was rotated: the stored one still works, so the new access token may be served from memory.
            slot.remember(pending.next());
        }
        // A rotated refresh token that was not persisted is not used: handing out its access token
        // would leave the store with a refresh token the server may have retired.
        return failed(slot, e);
    }

    /** Compare-and-set of a login's state; an unknown outcome is read back once. Empty on a lost race. */
    private Optional<VersionedState> replace(AccountId account, long expected, TokenState next) {
        try {
            CasResult result = store.compareAndSet(account, expected, next);
            return result instanceof CasResult.Written w ? Optional.of(w.state()) : Optional.empty();
        } catch (TokenException e) {
            if (!outcomeUnknown(e)) {
                throw e;
            }
            Optional<VersionedState> after = store.read(account);
            if (after.isPresent() && after.get().state().accessToken().equals(next.accessToken())) {
                return after;
            }
            throw e;
        }
    }

    private void release(AccountId account, VersionedState leased, TokenException e, Instant nextAttemptAt) {
        try {
            store.compareAndSet(account, leased.version(),
                    leased.state().failed(FailureNote.of(e.failure(), clock.instant(), nextAttemptAt)));
        } catch (TokenException ignored) {
            // The lease lapses by itself.
        }
    }

    /**
     * Whether {@code stored} holds a different token than the refused one, now held by the slot (the
     * held token, refused, gives way even to a shorter-lived one) and still valid.
     */
    private static boolean adoptedReplacement(Slot slot, TokenState stored, AccessToken rejected, Instant now) {
        if (stored.accessToken().equals(rejected) || !stored.accessValidAt(now)) {
            return false; // an expired stored token must not displace the held one, which may still be served stale
        }
        slot.remember(stored);
        AccessToken held = slot.valid(now.toEpochMilli());
        return held != null && held.equals(stored.accessToken());
    }

    /**
     * After waiting out another instance's lease during an invalidation: its failure, when it left
     * the refused token in place with a failure note written since {@code since}; else empty (read again).
     */
    private Optional<RefreshOutcome> theirFailure(Slot slot, AccessToken rejected, Instant since) {
        Optional<VersionedState> after = store.read(slot.account);
        if (after.isEmpty()) {
            return Optional.empty();
        }
        TokenState theirs = after.get().state();
        Optional<FailureNote> note = theirs.lastFailure();
        if (theirs.lease().isEmpty() && theirs.accessToken().equals(rejected) && note.isPresent()
                && !note.get().at().isBefore(since)) {
            return Optional.of(sharedFailure(slot, note.get()));
        }
        return Optional.empty();
    }

    /**
     * Takes on the failure another instance recorded for its refresh, and its time for the next
     * attempt: a permanent failure stays permanent (and keeps its exit code), a transient one is
     * shared as such.
     */
    private RefreshOutcome sharedFailure(Slot slot, FailureNote note) {
        Failure recorded = note.failure();
        TokenException shared = new TokenException(recorded.retryable() ? new Failure.Unavailable(OptionalInt.empty(),
                Optional.empty(), "the refresh by another instance failed: " + note.detail()) : recorded);
        return failed(slot, shared, note.nextAttemptAt());
    }

    /** Records a failed cycle in the slot and reports it. */
    private RefreshOutcome failed(Slot slot, TokenException e) {
        return failed(slot, e, Optional.empty());
    }

    /** Records a failed cycle in the slot, retrying at {@code recorded} when another instance already chose when, and reports it. */
    private RefreshOutcome failed(Slot slot, TokenException e, Optional<Instant> recorded) {
        Instant now = clock.instant();
        Duration delay = recorded.isPresent() ? slot.failedUntil(e, recorded.get(), now) : slot.failed(e, now);
        Slot.Status status = slot.status();
        events.onEvent(new TokenEvent.Failed(slot.account, e.failure(), status.failures(), delay, status.stale()));
        if (status.stale()) {
            events.onEvent(new TokenEvent.ServingStale(slot.account, slot.validUntil().orElseThrow()));
        }
        return slot.outcome(RefreshOutcome.Result.FAILED, Optional.of(e.failure()), status.nextAttemptAt());
    }

    private RefreshOutcome notDue(Slot slot, Read read) {
        if (read.adopted()) {
            events.onEvent(new TokenEvent.Adopted(slot.account, read.current().state().accessExpiresAt()));
        }
        return slot.outcome(read.adopted() ? RefreshOutcome.Result.ADOPTED : RefreshOutcome.Result.NOT_DUE,
                Optional.empty(), slot.status().dueAt());
    }

    /** Every round lost a race: report BUSY while a valid token is held, and let the next call try again. */
    private RefreshOutcome gaveUp(Slot slot) {
        Instant now = clock.instant();
        boolean valid = slot.validUntil().filter(now::isBefore).isPresent();
        return slot.outcome(valid ? RefreshOutcome.Result.BUSY : RefreshOutcome.Result.FAILED, Optional.empty(),
                now.plus(settings.leasePollInterval()));
    }

    /** Sleeps in poll intervals until {@code lease} ends or the stored state changes from {@code seen}. */
    private void sleepWhileHeld(AccountId account, VersionedState seen, Lease lease) {
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
            Optional<VersionedState> current = store.read(account);
            if (current.isEmpty() || current.get().version() != seen.version()) {
                return;
            }
        }
    }

    /**
     * What {@link #readAndAdopt} found.
     *
     * @param current the stored state with its version
     * @param adopted whether it replaced a token this engine held
     */
    record Read(VersionedState current, boolean adopted) {}

    /**
     * A new state about to be written.
     *
     * @param obtained the grant it holds
     * @param next the state to write
     * @param expectedVersion the version the write expects ({@link TokenStore#ABSENT} to create)
     * @param leased the state with this engine's lease that the write replaces; empty for a login without a lease
     * @param startNanos when the cycle's FortiCNP call started, for the reported latency
     * @param reason why a refresh was made, for {@link TokenEvent.Refreshed}
     */
    record Pending(Obtained obtained, TokenState next, long expectedVersion, Optional<VersionedState> leased, long startNanos,
            Refreshed.Reason reason) {
        /** A pending state whose refresh, if it is one, was {@link Refreshed.Reason#SCHEDULED}. */
        Pending(Obtained obtained, TokenState next, long expectedVersion, Optional<VersionedState> leased, long startNanos) {
            this(obtained, next, expectedVersion, leased, startNanos, Refreshed.Reason.SCHEDULED);
        }
    }
}
