package dev.cnptoken.app.config;

import java.util.Objects;

/**
 * A configuration secret (Vault token, AppRole secret_id, Redis URL with a password, file-store
 * key). {@link #toString()} never shows it.
 *
 * @param value the secret
 * @param origin where it came from, e.g. {@code CNP_VAULT_TOKEN}
 */
public record Secret(String value, String origin) {
    public Secret {
        Objects.requireNonNull(value, "value == null");
        Objects.requireNonNull(origin, "origin == null");
    }

    @Override
    public String toString() {
        return "Secret[redacted, from " + origin + "]";
    }
}
