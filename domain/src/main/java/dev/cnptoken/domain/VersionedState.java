package dev.cnptoken.domain;

import java.util.Objects;

/**
 * An account's state as read from a store, with the version to pass to the next compare-and-set.
 *
 * @param state the state
 * @param version a positive number that changes with every successful write; its meaning is the
 *     store's own (a counter, a KV v2 version)
 */
public record VersionedState(TokenState state, long version) {
    public VersionedState {
        Objects.requireNonNull(state, "state == null");
        if (version <= 0) {
            throw new IllegalArgumentException("version must be positive, got " + version);
        }
    }
}
