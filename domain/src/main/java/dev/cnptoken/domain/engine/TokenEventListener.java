package dev.cnptoken.domain.engine;

import java.util.List;
import java.util.Objects;

/**
 * Receives the engine's {@link TokenEvent}s, synchronously on the thread that caused them. Keep it
 * quick and thread-safe; an exception it throws is swallowed so that observability never breaks
 * token serving.
 *
 * <p>An engine has one listener ({@link TokenEngine.Builder#listener}); to have several, hand it
 * {@link #both} or {@link #of}, which call each listener in turn, so that one that throws does not
 * keep the event from the others.
 */
@FunctionalInterface
public interface TokenEventListener {
    /** A listener that ignores every event. */
    TokenEventListener NONE = event -> {};

    void onEvent(TokenEvent event);

    /**
     * A listener that hands each event to {@code first}, then to {@code second}. A
     * {@link RuntimeException} from either is swallowed (as the engine swallows its listener's), so
     * the other still gets the event.
     */
    static TokenEventListener both(TokenEventListener first, TokenEventListener second) {
        Objects.requireNonNull(first, "first == null");
        Objects.requireNonNull(second, "second == null");
        return of(List.of(first, second));
    }

    /**
     * A listener that hands each event to every one of {@code listeners}, in their order. A
     * {@link RuntimeException} from one is swallowed (as the engine swallows its listener's) and the
     * next still gets the event. The list is copied; an empty list gives a listener that ignores
     * every event.
     *
     * @throws NullPointerException when the list or one of its elements is null
     */
    static TokenEventListener of(List<? extends TokenEventListener> listeners) {
        Objects.requireNonNull(listeners, "listeners == null");
        List<TokenEventListener> copy = List.copyOf(listeners);
        return event -> {
            for (TokenEventListener listener : copy) {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException ignored) {
                    // one listener's fault must not keep the event from the others, nor break serving
                }
            }
        };
    }
}
