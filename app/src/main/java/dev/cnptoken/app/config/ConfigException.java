package dev.cnptoken.app.config;

/** A configuration problem; the message names the key and where its value came from, never a secret value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /** {@code <key> (from <origin>): <problem>}, the form of every message about one key's value. */
    static ConfigException of(Key key, String origin, String problem) {
        return new ConfigException(key.fileName() + " (from " + origin + "): " + problem);
    }

    /** As {@link #of(Key, String, String)}, for a raw value. */
    static ConfigException of(Key key, ConfigSources.Value value, String problem) {
        return of(key, value.origin(), problem);
    }
}
