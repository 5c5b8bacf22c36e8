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
import java.util.concurrent.atomic.AtomicInteger;

/** Applies every write, but loses the answer to the n-th: the caller cannot tell whether it landed. */
final class TokenStoreThatLosesAnswers implements TokenStore {
    private final TokenStore delegate;
    private final int lose;
    private final AtomicInteger writes = new AtomicInteger();

    TokenStoreThatLosesAnswers(TokenStore delegate, int lose) {
        this.delegate = delegate;
        this.lose = lose;
    }

    int writes() {
        return writes.get();
    }

    @Override
    public Optional<VersionedState> read(AccountId account) {
        return delegate.read(account);
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        CasResult result = delegate.compareAndSet(account, expectedVersion, next);
        if (writes.incrementAndGet() == lose) {
            throw new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.UNAVAILABLE,
                    "connection lost after the write was sent; outcome unknown"));
        }
        return result;
    }

    @Override
    public List<AccountId> accounts() {
        return delegate.accounts();
    }
}
