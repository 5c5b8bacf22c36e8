package dev.cnptoken.domain.store;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link TokenStore} in this process's memory: state is lost when the process ends, and other
 * processes cannot see it. For single-process use and tests. Versions count up from 1 per account.
 */
public final class InMemoryTokenStore implements TokenStore {
    private final ConcurrentMap<AccountId, VersionedState> states = new ConcurrentHashMap<>();

    @Override
    public Optional<VersionedState> read(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        return Optional.ofNullable(states.get(account));
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(next, "next == null");
        VersionedState[] written = new VersionedState[1];
        states.compute(account, (id, current) -> {
            long currentVersion = current == null ? ABSENT : current.version();
            if (currentVersion != expectedVersion) {
                return current;
            }
            written[0] = new VersionedState(next, currentVersion + 1);
            return written[0];
        });
        return written[0] == null ? new CasResult.Conflict() : new CasResult.Written(written[0]);
    }

    @Override
    public List<AccountId> accounts() {
        return states.keySet().stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore[" + states.size() + " accounts]";
    }
}
