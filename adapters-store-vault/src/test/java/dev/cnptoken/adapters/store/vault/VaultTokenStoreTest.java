package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import dev.cnptoken.testkit.vault.VaultEmulator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The store contract against the Vault emulator, through the real Vault driver, with a token that
 * holds only the documented writer policy.
 */
class VaultTokenStoreTest extends TokenStoreContract {
    private VaultEmulator vault;

    @Override
    protected TokenStore newStore() {
        vault = VaultEmulator.start();
        String prefix = "cnp-token-" + UUID.randomUUID().toString().substring(0, 8);
        Policies.installWriter(vault, "secret", prefix);
        return VaultTokenStore.builder()
                .address(vault.address())
                .token(vault.createToken(Duration.ofHours(1), Policies.WRITER))
                .prefix(prefix)
                .build();
    }

    /** Stops the emulator: the port closes and connections are refused. */
    @Override
    protected void makeUnavailable() {
        vault.stop();
    }

    @AfterEach
    void stopVault() {
        if (vault != null) {
            vault.close();
        }
    }
}
