package dev.cnptoken.adapters.store.archfixture;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.util.List;
import java.util.Optional;

/** Fixture: a TokenStore not named after its port. Breaks the naming rule on purpose. */
public class BadlyNamedStore implements TokenStore {
    @Override
    public Optional<VersionedState> read(AccountId account) {
        return Optional.empty();
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        return new CasResult.Conflict();
    }

    @Override
    public List<AccountId> accounts() {
        return List.of();
    }
}
