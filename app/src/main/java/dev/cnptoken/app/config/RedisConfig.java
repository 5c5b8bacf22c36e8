package dev.cnptoken.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The Redis store's settings. The URL is a {@link Secret}: from the environment it may carry a
 * password. For encryption at rest of the refresh token and the credential, the key is a file or
 * the key itself read once from the environment, as for the file store.
 *
 * @param url {@code redis://} or {@code rediss://}; required with {@code store=redis}
 * @param password the password, from {@code redis_password_file}
 * @param keyPrefix the key prefix
 * @param encryptionKeyFile a file holding the base64 AES-256 key
 * @param encryptionKey the base64 key itself; never with {@code encryptionKeyFile}
 */
public record RedisConfig(Optional<Secret> url, Optional<Secret> password, String keyPrefix,
        Optional<Path> encryptionKeyFile, Optional<Secret> encryptionKey) {
    public RedisConfig {
        Objects.requireNonNull(url, "url == null");
        Objects.requireNonNull(password, "password == null");
        Objects.requireNonNull(keyPrefix, "keyPrefix == null");
        Objects.requireNonNull(encryptionKeyFile, "encryptionKeyFile == null");
        Objects.requireNonNull(encryptionKey, "encryptionKey == null");
        if (encryptionKeyFile.isPresent() && encryptionKey.isPresent()) {
            throw new IllegalArgumentException("encryptionKeyFile and encryptionKey are both set");
        }
    }

    static RedisConfig from(ValueParser p) {
        Optional<Path> keyFile = p.existingFile(Key.REDIS_ENCRYPTION_KEY_FILE);
        Optional<Secret> key = p.secret(Key.REDIS_ENCRYPTION_KEY);
        if (keyFile.isPresent() && key.isPresent()) {
            throw ConfigException.of(Key.REDIS_ENCRYPTION_KEY, key.get().origin(), "set either "
                    + Key.REDIS_ENCRYPTION_KEY.envName() + " or " + Key.REDIS_ENCRYPTION_KEY_FILE.fileName() + " (from "
                    + p.origin(Key.REDIS_ENCRYPTION_KEY_FILE) + "), not both");
        }
        return new RedisConfig(p.raw(Key.REDIS_URL).map(RedisConfig::url), p.secretFile(Key.REDIS_PASSWORD_FILE),
                p.text(Key.REDIS_KEY_PREFIX, "cnp"), keyFile, key);
    }

    /** Refuses what {@code store=redis} cannot work without. */
    void requireComplete() {
        if (url.isEmpty()) {
            throw new ConfigException(Key.REDIS_URL.fileName() + ": required with store=redis (set " + Key.REDIS_URL.envName() + ")");
        }
    }

    private static Secret url(ConfigSources.Value v) {
        String text = v.text().strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ConfigException.of(Key.REDIS_URL, v, "not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || uri.getHost() == null) {
            throw ConfigException.of(Key.REDIS_URL, v, "must be redis://host:port or rediss://host:port");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":") && !v.origin().startsWith("CNP_") && !v.origin().startsWith("--")) {
            throw ConfigException.of(Key.REDIS_URL, v, "a password must not be written in the configuration file; set "
                    + Key.REDIS_URL.envName() + " or use redis_password_file");
        }
        return new Secret(text, v.origin());
    }
}
