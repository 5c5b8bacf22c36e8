package dev.cnptoken.domain.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import org.junit.jupiter.api.Test;

/**
 * The ports are {@link AutoCloseable} with a {@code close()} that declares no checked exception: this
 * class compiles only if a refresher and a store can be closed (and used in try-with-resources)
 * without a {@code catch}.
 */
class PortsCloseTest {
    /** A refresher that owns nothing, so it keeps the default {@code close()}. */
    private static final class NothingOwned implements TokenRefresher {
        @Override
        public TokenGrant login(ApiCredential credential) {
            throw new UnsupportedOperationException("not called");
        }

        @Override
        public TokenGrant refresh(RefreshToken refreshToken) {
            throw new UnsupportedOperationException("not called");
        }
    }

    @Test
    void aRefresherAndAStoreCloseWithoutACheckedException() {
        TokenRefresher refresher = new NothingOwned();
        TokenStore store = new InMemoryTokenStore();

        refresher.close();
        store.close();

        assertThatCode(() -> {
            refresher.close();
            store.close();
        }).as("the default close() is an idempotent no-op").doesNotThrowAnyException();
        assertThat(store.accounts()).as("the in-memory store still works after close()").isEmpty();
    }

    @Test
    void bothPortsWorkInTryWithResources() {
        try (TokenRefresher refresher = new NothingOwned(); TokenStore store = new InMemoryTokenStore()) {
            assertThat(store.read(AccountId.of("acme"))).isEmpty();
            assertThat(refresher).isNotNull();
        }
    }
}
