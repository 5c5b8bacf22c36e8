package dev.cnptoken.domain;

import java.util.Objects;

/**
 * The one exception the ports and the engine throw: it carries a typed {@link Failure}. Its message
 * is {@link Failure#describe()} and never holds a secret.
 */
public final class TokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    public TokenException(Failure failure) {
        super(Objects.requireNonNull(failure, "failure == null").describe());
        this.failure = failure;
    }

    /**
     * @param failure what went wrong
     * @param cause the underlying exception; the caller must be sure its message holds no secret
     */
    public TokenException(Failure failure, Throwable cause) {
        super(Objects.requireNonNull(failure, "failure == null").describe(), cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    /** Whether trying again later can help. */
    public boolean retryable() {
        return failure.retryable();
    }
}
