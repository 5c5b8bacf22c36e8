package dev.cnptoken.domain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Why an operation failed: a closed set of outcomes, each able to say whether trying again can help.
 * Carried by {@link TokenException}. No variant ever holds a token, a refresh token or a credential;
 * {@code detail} is a sentence written by cnp-token or an OAuth error description, never a response
 * body that could hold a secret.
 */
public sealed interface Failure
        permits Failure.Rejected, Failure.Unavailable, Failure.Malformed, Failure.StoreFailure, Failure.NotConfigured {

    /** Whether the same request can succeed later without anyone changing anything. */
    boolean retryable();

    /** A short lower-case name of the failure class, for metrics labels and exit codes. */
    String kind();

    /** One line for logs and exception messages; contains no secret. */
    String describe();

    /** What FortiCNP refused. */
    enum Subject {
        /** The API credential (Get Credentials Token): a human has to issue a new one. */
        CREDENTIAL,
        /** The refresh token: unknown, revoked or expired; logging in again with the credential helps. */
        REFRESH_TOKEN,
        /** The request itself (wrong URL, method, grant type): a configuration or program error. */
        REQUEST
    }

    /**
     * FortiCNP answered and refused: a permanent failure. Repeating the same request cannot help.
     *
     * @param subject what was refused
     * @param status the HTTP status, or empty when not from an HTTP answer
     * @param oauthError the RFC 6749 {@code error} code, when the body carried one
     * @param detail a sentence without secrets
     */
    record Rejected(Subject subject, OptionalInt status, Optional<String> oauthError, String detail) implements Failure {
        public Rejected {
            Objects.requireNonNull(subject, "subject == null");
            Objects.requireNonNull(status, "status == null");
            Objects.requireNonNull(oauthError, "oauthError == null");
            Objects.requireNonNull(detail, "detail == null");
        }

        @Override
        public boolean retryable() {
            return false;
        }

        @Override
        public String kind() {
            return "rejected";
        }

        /** Whether a human has to act (a new credential, a corrected configuration). */
        public boolean needsHuman() {
            return subject != Subject.REFRESH_TOKEN;
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("rejected: ")
                    .append(subject.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            status.ifPresent(s -> b.append(", HTTP ").append(s));
            oauthError.ifPresent(e -> b.append(", error=").append(e));
            return b.append(": ").append(detail).toString();
        }
    }

    /**
     * FortiCNP could not be reached or asked to come back later (network fault, timeout, 408, 429,
     * 5xx): a transient failure.
     *
     * @param status the HTTP status, or empty for a network fault or timeout
     * @param retryAfter the server's {@code Retry-After}, when it sent one
     * @param detail a sentence without secrets
     */
    record Unavailable(OptionalInt status, Optional<Duration> retryAfter, String detail) implements Failure {
        public Unavailable {
            Objects.requireNonNull(status, "status == null");
            Objects.requireNonNull(retryAfter, "retryAfter == null");
            Objects.requireNonNull(detail, "detail == null");
            retryAfter.ifPresent(d -> {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("retryAfter is negative");
                }
            });
        }

        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public String kind() {
            return "unavailable";
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("unavailable");
            status.ifPresent(s -> b.append(", HTTP ").append(s));
            retryAfter.ifPresent(r -> b.append(", retry after ").append(r.toSeconds()).append(" s"));
            return b.append(": ").append(detail).toString();
        }
    }

    /**
     * FortiCNP answered with something that is not a usable token response. Retrying may help (a
     * proxy's error page, a truncated answer), so the engine retries with backoff.
     *
     * @param detail names the field or the problem, never the token
     */
    record Malformed(String detail) implements Failure {
        public Malformed {
            Objects.requireNonNull(detail, "detail == null");
        }

        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public String kind() {
            return "malformed";
        }

        @Override
        public String describe() {
            return "malformed response: " + detail;
        }
    }

    /**
     * The token store failed.
     *
     * @param reason what kind of store failure
     * @param detail a sentence naming the store, key or path, never the stored secret
     */
    record StoreFailure(Reason reason, String detail) implements Failure {
        /** The kinds of store failure. */
        public enum Reason {
            /** Not reachable, timed out, sealed, restarting: transient. */
            UNAVAILABLE(true),
            /** Out of memory or disk: transient from the job's view, an operator should look. */
            FULL(true),
            /** The store refused access (ACL, Vault policy, file permissions). */
            PERMISSION_DENIED(false),
            /** Stored data that cannot be read (corrupt, truncated, wrong key, unknown schema). */
            CORRUPT(false),
            /**
             * The store refused the request as invalid for its setup (a Vault mount that does not
             * exist or is not KV v2, a malformed path): an operator must fix the configuration.
             */
            MISCONFIGURED(false),
            /**
             * A write failed in a way that leaves its outcome unknown: it may or may not have taken
             * place (a connection lost after the request was sent). Only {@link
             * dev.cnptoken.domain.port.TokenStore#compareAndSet} reports it; the caller reads the
             * account again to find out, and never repeats the write blindly.
             */
            OUTCOME_UNKNOWN(true);

            private final boolean retryable;

            Reason(boolean retryable) {
                this.retryable = retryable;
            }
        }

        public StoreFailure {
            Objects.requireNonNull(reason, "reason == null");
            Objects.requireNonNull(detail, "detail == null");
        }

        @Override
        public boolean retryable() {
            return reason.retryable;
        }

        @Override
        public String kind() {
            return "store";
        }

        @Override
        public String describe() {
            return "store " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + detail;
        }
    }

    /**
     * Something cnp-token needs is not configured, e.g. an account with no stored tokens and no
     * credential to log in with.
     *
     * @param detail what is missing
     */
    record NotConfigured(String detail) implements Failure {
        public NotConfigured {
            Objects.requireNonNull(detail, "detail == null");
        }

        @Override
        public boolean retryable() {
            return false;
        }

        @Override
        public String kind() {
            return "not_configured";
        }

        @Override
        public String describe() {
            return "not configured: " + detail;
        }
    }
}
