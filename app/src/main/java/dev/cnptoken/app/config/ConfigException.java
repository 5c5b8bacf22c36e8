package dev.cnptoken.app.config;

/** A configuration problem; the message names the key and where its value came from, never a secret value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
