package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * Answers "the FortiCNP API refused this token" for one account: with a different valid token
 * already held or stored, with the last failure while a failed refresh backs off, or after a
 * refresh through the store round. Callers hold no lock; this takes the account's.
 */
final class Invalidation {
    private final StoreRound round;
    private final Clock clock;
    /** The hit path's clock (coarse when configured), so "valid" means the same as in {@link Slot#hit}. */
    private final LongSupplier nowMillis;
    private final TokenEventListener events;

    Invalidation(StoreRound round, Clock clock, LongSupplier nowMillis, TokenEventListener events) {
        this.round = round;
        this.clock = clock;
        this.nowMillis = nowMillis;
        this.events = events;
    }

    /** {@link TokenEngine#invalidate(dev.cnptoken.domain.AccountId, AccessToken)} for one slot. */
    AccessToken answer(Slot slot, AccessToken rejected) {
        slot.lockOrThrow();
        try {
            AccessToken held = replacementFor(slot, rejected);
            if (held != null) {
                events.onEvent(new TokenEvent.Invalidated(slot.account, TokenEvent.Invalidated.Result.ALREADY_REPLACED));
                return held;
            }
            if (slot.backingOffAt(clock.instant())) {
                AccessToken adopted = round.adoptReplacement(slot, rejected) ? replacementFor(slot, rejected) : null;
                if (adopted != null) {
                    events.onEvent(new TokenEvent.Invalidated(slot.account, TokenEvent.Invalidated.Result.ADOPTED));
                    return adopted;
                }
                events.onEvent(new TokenEvent.Invalidated(slot.account, TokenEvent.Invalidated.Result.BACKING_OFF));
                throw slot.noValidToken();
            }
            RefreshOutcome outcome = round.invalidate(slot, rejected);
            AccessToken fresh = replacementFor(slot, rejected);
            events.onEvent(new TokenEvent.Invalidated(slot.account, invalidation(outcome.result(), fresh != null)));
            if (fresh != null) {
                return fresh;
            }
            throw slot.noValidToken();
        } finally {
            slot.lock.unlock();
        }
    }

    /** The valid token the slot holds when it is not {@code rejected}, else null. */
    private AccessToken replacementFor(Slot slot, AccessToken rejected) {
        AccessToken valid = slot.valid(nowMillis.getAsLong());
        return valid != null && !valid.equals(rejected) ? valid : null;
    }

    /** What an invalidation whose store round ended in {@code result} came to. */
    private static TokenEvent.Invalidated.Result invalidation(RefreshOutcome.Result result, boolean replaced) {
        if (!replaced) {
            return TokenEvent.Invalidated.Result.FAILED;
        }
        return switch (result) {
            case REFRESHED -> TokenEvent.Invalidated.Result.REFRESHED;
            case LOGGED_IN -> TokenEvent.Invalidated.Result.LOGGED_IN;
            default -> TokenEvent.Invalidated.Result.ADOPTED;
        };
    }
}
