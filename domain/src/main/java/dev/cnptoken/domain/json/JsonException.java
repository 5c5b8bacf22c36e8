package dev.cnptoken.domain.json;

/** Invalid JSON. The message gives the problem and an offset, never the input. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
        super(message);
    }
}
