package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.io.File;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store contract against a real Vault: runs when {@code VAULT_ADDR} and {@code VAULT_TOKEN} are
 * set, and is reported as skipped with that reason otherwise. Optional: {@code VAULT_KV_MOUNT}
 * (default {@code secret}, must be KV version 2), {@code VAULT_NAMESPACE}, {@code VAULT_CACERT} (a
 * PEM file). Each test writes under a fresh prefix {@code cnp-token-test-<random>} and deletes it
 * afterwards. The outage test is skipped: a real Vault cannot be cut off from here.
 */
@EnabledIfEnvironmentVariable(named = "VAULT_ADDR", matches = ".+",
        disabledReason = "VAULT_ADDR is not set: set VAULT_ADDR and VAULT_TOKEN to run the contract against a real Vault")
@EnabledIfEnvironmentVariable(named = "VAULT_TOKEN", matches = ".+",
        disabledReason = "VAULT_TOKEN is not set: set VAULT_ADDR and VAULT_TOKEN to run the contract against a real Vault")
class RealVaultTokenStoreTest extends TokenStoreContract {
    private String prefix;

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @Override
    protected TokenStore newStore() {
        prefix = "cnp-token-test-" + UUID.randomUUID().toString().substring(0, 8);
        VaultTokenStore.Builder b = VaultTokenStore.builder()
                .address(System.getenv("VAULT_ADDR"))
                .token(System.getenv("VAULT_TOKEN"))
                .mount(env("VAULT_KV_MOUNT", "secret"))
                .prefix(prefix);
        String ns = env("VAULT_NAMESPACE", null);
        if (ns != null) {
            b.namespace(ns);
        }
        String ca = env("VAULT_CACERT", null);
        if (ca != null) {
            b.caCertificateFile(Path.of(ca));
        }
        return b.build();
    }

    /** Deletes every secret the test wrote (metadata delete: all versions). */
    @AfterEach
    void deleteTestData() throws Exception {
        String mount = env("VAULT_KV_MOUNT", "secret");
        VaultConfig config = new VaultConfig().address(System.getenv("VAULT_ADDR")).token(System.getenv("VAULT_TOKEN"))
                .engineVersion(2).prefixPathDepth(mount.split("/").length);
        String ca = env("VAULT_CACERT", null);
        if (ca != null) {
            config.sslConfig(new SslConfig().pemFile(new File(ca)).build());
        }
        String ns = env("VAULT_NAMESPACE", null);
        if (ns != null) {
            config.nameSpace(ns);
        }
        Vault vault = Vault.create(config.build());
        LogicalResponse list = vault.logical().list(mount + "/" + prefix + "/");
        if (list == null || list.getRestResponse().getStatus() != 200) {
            return;
        }
        for (String folder : list.getListData()) {
            for (String leaf : new String[] {"refresh", "access"}) {
                vault.logical().delete(mount + "/" + prefix + "/" + folder + leaf);
            }
        }
    }
}
