package dev.cnptoken.domain.engine;

/**
 * Receives the engine's {@link TokenEvent}s, synchronously on the thread that caused them. Keep it
 * quick and thread-safe; an exception it throws is swallowed so that observability never breaks
 * token serving.
 */
@FunctionalInterface
public interface TokenEventListener {
    /** A listener that ignores every event. */
    TokenEventListener NONE = event -> {};

    void onEvent(TokenEvent event);
}
