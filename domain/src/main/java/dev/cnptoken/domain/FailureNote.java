package dev.cnptoken.domain;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The last failure recorded for an account, kept in its state so that any process (for example
 * {@code cnp-token status}, or an engine started after it) can report it and honour its backoff.
 *
 * @param kind {@link Failure#kind()}
 * @param detail {@link Failure#describe()}, which holds no secret
 * @param at when it happened
 * @param nextAttemptAt when FortiCNP may be called again for this account, by any instance (the
 *     backoff of the failure); empty in notes written before cnp-token recorded it, which then set no
 *     backoff
 */
public record FailureNote(String kind, String detail, Instant at, Optional<Instant> nextAttemptAt) {
    private static final int MAX_DETAIL = 500;

    public FailureNote {
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(detail, "detail == null");
        Objects.requireNonNull(at, "at == null");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt == null");
        if (kind.isBlank()) {
            throw new IllegalArgumentException("kind is blank");
        }
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }

    /** A note without a backoff, as written before cnp-token recorded one. */
    public FailureNote(String kind, String detail, Instant at) {
        this(kind, detail, at, Optional.empty());
    }

    /** The note for {@code failure} at {@code at}, without a backoff. */
    public static FailureNote of(Failure failure, Instant at) {
        return new FailureNote(failure.kind(), failure.describe(), at);
    }

    /** The note for {@code failure} at {@code at}, after which FortiCNP may be called again at {@code nextAttemptAt}. */
    public static FailureNote of(Failure failure, Instant at, Instant nextAttemptAt) {
        return new FailureNote(failure.kind(), failure.describe(), at,
                Optional.of(Objects.requireNonNull(nextAttemptAt, "nextAttemptAt == null")));
    }

    /** Whether this note forbids calling FortiCNP at {@code now}. */
    public boolean holdsOffAt(Instant now) {
        return nextAttemptAt.filter(now::isBefore).isPresent();
    }

    /**
     * The failure this note records, as near as the note can tell: of the same class (so it maps to
     * the same exit code and is as retryable), with the recorded description as its detail.
     */
    public Failure failure() {
        String recorded = "recorded at " + at + ": " + detail;
        return switch (kind) {
            case "rejected" -> new Failure.Rejected(rejectedSubject(), OptionalInt.empty(), Optional.empty(), recorded);
            case "malformed" -> new Failure.Malformed(recorded);
            case "not_configured" -> new Failure.NotConfigured(recorded);
            case "store" -> new Failure.StoreFailure(storeReason(), recorded);
            default -> new Failure.Unavailable(OptionalInt.empty(), Optional.empty(), recorded);
        };
    }

    /** The subject {@link Failure.Rejected#describe()} put at the start of the detail; REQUEST when none matches. */
    private Failure.Subject rejectedSubject() {
        for (Failure.Subject s : Failure.Subject.values()) {
            if (detail.startsWith("rejected: " + s.name().toLowerCase(Locale.ROOT).replace('_', ' '))) {
                return s;
            }
        }
        return Failure.Subject.REQUEST;
    }

    /** The reason {@link Failure.StoreFailure#describe()} put at the start of the detail; UNAVAILABLE when none matches. */
    private Failure.StoreFailure.Reason storeReason() {
        for (Failure.StoreFailure.Reason r : Failure.StoreFailure.Reason.values()) {
            if (detail.startsWith("store " + r.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ":")) {
                return r;
            }
        }
        return Failure.StoreFailure.Reason.UNAVAILABLE;
    }
}
