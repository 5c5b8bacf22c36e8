package dev.cnptoken.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The last failure recorded for an account, kept in its state so that any process (for example
 * {@code cnp-token status}) can report it.
 *
 * @param kind {@link Failure#kind()}
 * @param detail {@link Failure#describe()}, which holds no secret
 * @param at when it happened
 */
public record FailureNote(String kind, String detail, Instant at) {
    private static final int MAX_DETAIL = 500;

    public FailureNote {
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(detail, "detail == null");
        Objects.requireNonNull(at, "at == null");
        if (kind.isBlank()) {
            throw new IllegalArgumentException("kind is blank");
        }
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }

    /** The note for {@code failure} at {@code at}. */
    public static FailureNote of(Failure failure, Instant at) {
        return new FailureNote(failure.kind(), failure.describe(), at);
    }
}
