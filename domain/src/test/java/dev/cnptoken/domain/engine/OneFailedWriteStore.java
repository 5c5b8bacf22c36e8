package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store in front of which the n-th compareAndSet fails in one chosen way, and which logs
 * every call: {@code read}, {@code cas} for a write that went through, {@code cas!} for the failed
 * one.
 */
final class OneFailedWriteStore implements TokenStore {
    private final TokenStore delegate;
    private final int failing;
    private final boolean writeFirst;
    private final Failure.StoreFailure.Reason reason;
    private final AtomicInteger writes = new AtomicInteger();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private volatile boolean readsFailAfterTheFailedWrite;

    private OneFailedWriteStore(TokenStore delegate, int failing, boolean writeFirst, Failure.StoreFailure.Reason reason) {
        this.delegate = delegate;
        this.failing = failing;
        this.writeFirst = writeFirst;
        this.reason = reason;
    }

    /** The n-th write (1-based) is applied, then the answer is lost: it throws OUTCOME_UNKNOWN. */
    static OneFailedWriteStore landsThenLosesTheAnswer(TokenStore delegate, int n) {
        return new OneFailedWriteStore(delegate, n, true, Failure.StoreFailure.Reason.OUTCOME_UNKNOWN);
    }

    /** The n-th write (1-based) is not applied and throws with {@code reason}. */
    static OneFailedWriteStore failsWithoutWriting(TokenStore delegate, int n, Failure.StoreFailure.Reason reason) {
        return new OneFailedWriteStore(delegate, n, false, reason);
    }

    /** After the failed write, every read throws UNAVAILABLE too. */
    OneFailedWriteStore readsFailAfterTheFailedWrite() {
        this.readsFailAfterTheFailedWrite = true;
        return this;
    }

    /** Every call so far, in order. */
    List<String> log() {
        return log;
    }

    int writes() {
        return writes.get();
    }

    @Override
    public Optional<VersionedState> read(AccountId account) {
        log.add("read");
        if (readsFailAfterTheFailedWrite && writes.get() >= failing) {
            throw new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE, "test store is down"));
        }
        return delegate.read(account);
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        if (writes.incrementAndGet() != failing) {
            log.add("cas");
            return delegate.compareAndSet(account, expectedVersion, next);
        }
        log.add("cas!");
        if (writeFirst) {
            delegate.compareAndSet(account, expectedVersion, next);
        }
        throw new TokenException(new Failure.StoreFailure(reason, "test store failed write " + failing));
    }

    @Override
    public List<AccountId> accounts() {
        return delegate.accounts();
    }
}
