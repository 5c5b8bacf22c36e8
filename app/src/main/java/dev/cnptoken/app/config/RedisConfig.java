package dev.cnptoken.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The Redis store's settings. The URL is a {@link Secret}: from the environment it may carry a
 * password.
 *
 * @param url {@code redis://} or {@code rediss://}; required with {@code store=redis}
 * @param password the password, from {@code redis_password_file}
 * @param keyPrefix the key prefix
 */
public record RedisConfig(Optional<Secret> url, Optional<Secret> password, String keyPrefix) {
    public RedisConfig {
        Objects.requireNonNull(url, "url == null");
        Objects.requireNonNull(password, "password == null");
        Objects.requireNonNull(keyPrefix, "keyPrefix == null");
    }

    static RedisConfig from(ValueParser p) {
        return new RedisConfig(p.raw(Key.REDIS_URL).map(RedisConfig::url), p.secretFile(Key.REDIS_PASSWORD_FILE),
                p.text(Key.REDIS_KEY_PREFIX, "cnp"));
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
