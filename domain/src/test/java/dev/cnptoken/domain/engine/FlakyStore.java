package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The in-memory store, with a switch that makes chosen operations fail like an unreachable server. */
final class FlakyStore implements TokenStore {
    final InMemoryTokenStore delegate = new InMemoryTokenStore();
    private final AtomicInteger casCalls = new AtomicInteger();
    private volatile int failCasNumber = -1;
    private volatile boolean down;
    private volatile Consumer<Integer> beforeRead = n -> {};
    private final AtomicInteger reads = new AtomicInteger();

    /** The n-th compareAndSet from now on (1-based) throws; it does not write. */
    void failCas(int n) {
        failCasNumber = casCalls.get() + n;
    }

    void down(boolean down) {
        this.down = down;
    }

    void beforeRead(Consumer<Integer> hook) {
        this.beforeRead = hook;
    }

    @Override
    public Optional<VersionedState> read(AccountId account) {
        beforeRead.accept(reads.incrementAndGet());
        check();
        return delegate.read(account);
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        int n = casCalls.incrementAndGet();
        check();
        if (n == failCasNumber) {
            throw unavailable();
        }
        return delegate.compareAndSet(account, expectedVersion, next);
    }

    @Override
    public List<AccountId> accounts() {
        check();
        return delegate.accounts();
    }

    private void check() {
        if (down) {
            throw unavailable();
        }
    }

    private static TokenException unavailable() {
        return new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE, "test store is down"));
    }
}
