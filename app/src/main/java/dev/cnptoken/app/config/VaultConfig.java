package dev.cnptoken.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The Vault store's settings: address, a token or AppRole credentials, KV v2 mount and prefix,
 * namespace and CA.
 *
 * @param addr the address; required with {@code store=vault}
 * @param token a Vault token ({@code CNP_VAULT_TOKEN} or {@code vault_token_file})
 * @param roleId an AppRole role_id
 * @param secretId an AppRole secret_id ({@code CNP_VAULT_SECRET_ID} or {@code vault_secret_id_file})
 * @param mount the KV v2 mount
 * @param prefix the path prefix under the mount
 * @param namespace a Vault Enterprise namespace
 * @param caFile the PEM CA for Vault's certificate
 */
public record VaultConfig(
        Optional<URI> addr,
        Optional<Secret> token,
        Optional<String> roleId,
        Optional<Secret> secretId,
        String mount,
        String prefix,
        Optional<String> namespace,
        Optional<Path> caFile) {

    public VaultConfig {
        Objects.requireNonNull(addr, "addr == null");
        Objects.requireNonNull(token, "token == null");
        Objects.requireNonNull(roleId, "roleId == null");
        Objects.requireNonNull(secretId, "secretId == null");
        Objects.requireNonNull(mount, "mount == null");
        Objects.requireNonNull(prefix, "prefix == null");
        Objects.requireNonNull(namespace, "namespace == null");
        Objects.requireNonNull(caFile, "caFile == null");
    }

    static VaultConfig from(ValueParser p) {
        return new VaultConfig(
                p.httpUri(Key.VAULT_ADDR),
                p.secret(Key.VAULT_TOKEN).or(() -> p.secretFile(Key.VAULT_TOKEN_FILE)),
                p.text(Key.VAULT_ROLE_ID),
                p.secret(Key.VAULT_SECRET_ID).or(() -> p.secretFile(Key.VAULT_SECRET_ID_FILE)),
                p.text(Key.VAULT_MOUNT, "secret"),
                p.raw(Key.VAULT_PREFIX).map(v -> v.text().strip()).orElse("cnp-token"),
                p.text(Key.VAULT_NAMESPACE),
                p.existingFile(Key.VAULT_CA_FILE));
    }

    /** Refuses what {@code store=vault} cannot work without. */
    void requireComplete() {
        if (addr.isEmpty()) {
            throw new ConfigException(Key.VAULT_ADDR.fileName() + ": required with store=vault (set " + Key.VAULT_ADDR.envName() + ")");
        }
        if (token.isEmpty() && (roleId.isEmpty() || secretId.isEmpty())) {
            throw new ConfigException(Key.VAULT_TOKEN.fileName() + ": store=vault needs a Vault token ("
                    + Key.VAULT_TOKEN.envName() + " or vault_token_file) or AppRole credentials ("
                    + Key.VAULT_ROLE_ID.envName() + " and " + Key.VAULT_SECRET_ID.envName() + " or vault_secret_id_file)");
        }
    }
}
