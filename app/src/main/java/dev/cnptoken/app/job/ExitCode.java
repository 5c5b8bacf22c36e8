package dev.cnptoken.app.job;

import dev.cnptoken.domain.Failure;
import java.util.Collection;

/**
 * The documented exit codes. When several accounts fail differently, the most serious wins, in the
 * order {@link #CONFIG}, {@link #REJECTED}, {@link #STORE}, {@link #TRANSIENT}.
 */
public enum ExitCode {
    /** Every account has a fresh token. */
    OK(0, 0),
    /** An unexpected internal error (a bug: please report it with the log). */
    INTERNAL(1, 6),
    /** Wrong command-line usage. */
    USAGE(2, 7),
    /** Bad or missing configuration, including an account with no tokens and no credential. */
    CONFIG(3, 5),
    /** Some accounts failed transiently (FortiCNP unreachable, 5xx, 429, malformed answers); the next run retries. */
    TRANSIENT(4, 2),
    /** FortiCNP rejected an API credential (or a refresh token with no credential to log in again): a human must act. */
    REJECTED(5, 4),
    /** The token store is unreachable, refused access or holds unreadable data. */
    STORE(6, 3),
    /**
     * {@code cnp-token api}: FortiCNP answered the request with a status other than 2xx (the token
     * side worked). The least serious failure; one command, one request, so it is not combined with the others in practice.
     */
    API_ERROR(7, 1);

    private final int code;
    private final int severity;

    ExitCode(int code, int severity) {
        this.code = code;
        this.severity = severity;
    }

    public int code() {
        return code;
    }

    /** The exit code for a failure. */
    public static ExitCode of(Failure failure) {
        if (failure instanceof Failure.NotConfigured) {
            return CONFIG;
        }
        if (failure instanceof Failure.Rejected) {
            return REJECTED;
        }
        if (failure instanceof Failure.StoreFailure) {
            return STORE;
        }
        return TRANSIENT;
    }

    /** The most serious of {@code codes}, or {@link #OK} when empty. */
    public static ExitCode worst(Collection<ExitCode> codes) {
        ExitCode worst = OK;
        for (ExitCode c : codes) {
            if (c.severity > worst.severity) {
                worst = c;
            }
        }
        return worst;
    }
}
