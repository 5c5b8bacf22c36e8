package dev.cnptoken.app.wiring;

import dev.cnptoken.adapters.store.file.FileTokenStore;
import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.adapters.store.vault.VaultTokenStore;
import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.config.FileStoreConfig;
import dev.cnptoken.app.config.RedisConfig;
import dev.cnptoken.app.config.VaultConfig;
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
                case FILE -> file(config.file());
                case REDIS -> redis(config.redis(), config.concurrency());
                case VAULT -> vault(config.vault(), clock);
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Builders name the setting that is wrong and never echo a secret.
            throw new ConfigException("store=" + config.store().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
        }
    }

    private static TokenStore file(FileStoreConfig config) {
        FileTokenStore.Builder b = FileTokenStore.builder().directory(config.directory());
        config.keyFile().ifPresent(b::encryptionKeyFile);
        config.key().ifPresent(k -> b.encryptionKey(k.value(), k.origin()));
        config.readers().ifPresent(r -> {
            b.readerFiles(r.directory()).readerFileMode(r.mode());
            r.group().ifPresent(b::readerFileGroup);
        });
        return b.build();
    }

    private static TokenStore redis(RedisConfig config, int concurrency) {
        RedisTokenStore.Builder b = RedisTokenStore.builder()
                .uri(config.url().orElseThrow().value())
                .keyPrefix(config.keyPrefix())
                .poolSize(Math.max(8, concurrency * 2));
        config.password().ifPresent(p -> b.password(p.value()));
        config.encryptionKeyFile().ifPresent(b::encryptionKeyFile);
        config.encryptionKey().ifPresent(k -> b.encryptionKey(k.value(), k.origin()));
        return b.build();
    }

    private static TokenStore vault(VaultConfig config, Clock clock) {
        VaultTokenStore.Builder b = VaultTokenStore.builder()
                .address(config.addr().orElseThrow().toString())
                .mount(config.mount())
                .prefix(config.prefix())
                .clock(clock);
        if (config.token().isPresent()) {
            b.token(config.token().get().value());
        } else {
            b.appRole(config.roleId().orElseThrow(), config.secretId().orElseThrow().value());
        }
        config.namespace().ifPresent(b::namespace);
        config.caFile().ifPresent(b::caCertificateFile);
        return b.build();
    }
}
