package dev.cnptoken.app.wiring;

import dev.cnptoken.adapters.store.file.FileTokenStore;
import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.adapters.store.vault.VaultTokenStore;
import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.config.Key;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import java.time.Clock;

/** Creates the configured {@link TokenStore}. */
final class Stores {
    private Stores() {}

    static TokenStore create(AppConfig config, Clock clock) {
        try {
            return switch (config.store()) {
                case MEMORY -> new InMemoryTokenStore();
                case FILE -> file(config);
                case REDIS -> redis(config);
                case VAULT -> vault(config, clock);
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Builders name the setting that is wrong and never echo a secret.
            throw new ConfigException("store=" + config.store().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
        }
    }

    private static TokenStore file(AppConfig config) {
        FileTokenStore.Builder b = FileTokenStore.builder().directory(config.fileDir());
        config.fileKeyFile().ifPresent(b::encryptionKeyFile);
        if (config.fileKey().isPresent()) {
            b.encryptionKeyFromEnvironment(Key.FILE_KEY.envName());
        }
        return b.build();
    }

    private static TokenStore redis(AppConfig config) {
        RedisTokenStore.Builder b = RedisTokenStore.builder()
                .uri(config.redisUrl().orElseThrow().value())
                .keyPrefix(config.redisKeyPrefix())
                .poolSize(Math.max(8, config.concurrency() * 2));
        config.redisPassword().ifPresent(p -> b.password(p.value()));
        return b.build();
    }

    private static TokenStore vault(AppConfig config, Clock clock) {
        VaultTokenStore.Builder b = VaultTokenStore.builder()
                .address(config.vaultAddr().orElseThrow().toString())
                .mount(config.vaultMount())
                .prefix(config.vaultPrefix())
                .clock(clock);
        if (config.vaultToken().isPresent()) {
            b.token(config.vaultToken().get().value());
        } else {
            b.appRole(config.vaultRoleId().orElseThrow(), config.vaultSecretId().orElseThrow().value());
        }
        config.vaultNamespace().ifPresent(b::namespace);
        config.vaultCaFile().ifPresent(b::caCertificateFile);
        return b.build();
    }
}
