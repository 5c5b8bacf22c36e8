package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import dev.cnptoken.testkit.vault.VaultEmulator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The store contract again, logged in with AppRole inside a namespace: the session's login is
 * shared by all threads of the concurrency test. Fewer attempts per thread than the token-auth run
 * (which does the full 8 x 1000): this run is about the session, not the check-and-set.
 */
class VaultTokenStoreAppRoleTest extends TokenStoreContract {
    private VaultEmulator vault;

    @Override
    protected TokenStore newStore() {
        vault = VaultEmulator.builder().namespace("ops").start();
        String prefix = "cnp-token-" + UUID.randomUUID().toString().substring(0, 8);
        Policies.installWriter(vault, "secret", prefix);
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("ops", "cnp-token", Duration.ofHours(1),
                Duration.ofHours(8), Policies.WRITER);
        return VaultTokenStore.builder()
                .address(vault.address())
                .namespace("ops")
                .appRole(role.roleId(), role.secretId())
                .prefix(prefix)
                .clock(vault.clock())
                .build();
    }

    /** Seals the emulator: every request answers 503. */
    @Override
    protected void makeUnavailable() {
        vault.seal();
    }

    @Override
    protected int casAttemptsPerThread() {
        return 250;
    }

    @AfterEach
    void stopVault() {
        if (vault != null) {
            vault.close();
        }
    }
}
