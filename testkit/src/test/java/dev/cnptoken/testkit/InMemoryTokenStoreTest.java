package dev.cnptoken.testkit;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.domain.store.InMemoryTokenStore;

class InMemoryTokenStoreTest extends TokenStoreContract {
    @Override
    protected TokenStore newStore() {
        return new InMemoryTokenStore();
    }
}
