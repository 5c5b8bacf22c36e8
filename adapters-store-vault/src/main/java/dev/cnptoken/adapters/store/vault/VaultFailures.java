package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import io.github.jopenlibs.vault.VaultException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * Turns what the Vault driver reports into {@link TokenException}s with a {@code StoreFailure}.
 *
 * <p>The driver's own exception messages are never used: for HTTP errors they embed the response
 * body, which this adapter cannot vouch for. A cause is attached only when it is a JDK network
 * exception (connection refused, timeout, TLS handshake), whose message names hosts and
 * certificates, not payloads.
 */
final class VaultFailures {
    /** Why an outcome is unknown, for people (the decision is carried by the reason, never by this text). */
    private static final String MAYBE_WRITTEN = "; the write may or may not have taken place: read the account again";

    private VaultFailures() {}

    static TokenException failure(Reason reason, String detail) {
        return new TokenException(new Failure.StoreFailure(reason, detail));
    }

    static TokenException permissionDenied(String action, String path, int status) {
        return failure(Reason.PERMISSION_DENIED, "Vault denied the " + action + " of " + path + " (HTTP " + status
                + "): the token's policies do not allow it");
    }

    /**
     * Vault refused a request as invalid for its setup: a mount that does not exist or is not KV
     * version 2, a malformed path, a method the path does not take.
     *
     * @param check what the operator should check, a clause such as {@code the mount "secret" exists}
     */
    static TokenException misconfigured(String action, String path, int status, String check) {
        return failure(Reason.MISCONFIGURED, "Vault refused the " + action + " of " + path + " with HTTP " + status
                + ": check that " + check);
    }

    /**
     * For an HTTP status that is neither success, a plain 404 of a read nor a check-and-set
     * mismatch: 401 and 403 are {@code PERMISSION_DENIED}; redirects, 412, 429 and 5xx are {@code
     * UNAVAILABLE}, except a 5xx other than 503 to a write, whose outcome is unknown; any other 4xx
     * is {@code MISCONFIGURED}.
     *
     * @param check what the operator should check for a 4xx, a clause such as {@code the mount "secret"
     *     exists}
     */
    static TokenException fromStatus(String action, String path, int status, String check) {
        if (status == 401 || status == 403) {
            return permissionDenied(action, path, status);
        }
        if (transientStatus(status)) {
            String detail = "Vault answered HTTP " + status + " to the " + action + " of " + path + describeStatus(status);
            if (action.equals("write") && status >= 500 && status != 503) {
                return failure(Reason.OUTCOME_UNKNOWN, detail + MAYBE_WRITTEN);
            }
            return failure(Reason.UNAVAILABLE, detail);
        }
        return misconfigured(action, path, status, check);
    }

    /**
     * For a {@link VaultException} thrown by the driver (network fault, HTTP error, unexpected
     * answer). A write that broke after its request may have been sent has an unknown outcome; an
     * untrusted or mismatching TLS certificate is {@code MISCONFIGURED} (nothing was sent, and only
     * an operator can fix the trust settings).
     *
     * @param check what the operator should check for a 4xx, a clause such as {@code the mount "secret"
     *     exists}
     */
    static TokenException fromException(String action, String path, VaultException e, String check) {
        int status = e.getHttpStatusCode();
        if (status != 0) {
            return fromStatus(action, path, status, check);
        }
        Throwable root = networkCause(e);
        if (root instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return failure(Reason.UNAVAILABLE, "interrupted during the " + action + " of " + path);
        }
        if (root instanceof SSLException && certificateProblem(root)) {
            return new TokenException(new Failure.StoreFailure(Reason.MISCONFIGURED, "the TLS handshake with Vault"
                    + " failed during the " + action + " of " + path + ": its certificate is not trusted or does not"
                    + " match the address; give its CA with caCertificatePem, caCertificateFile or trustStore"), root);
        }
        String what;
        if (root instanceof HttpConnectTimeoutException) {
            what = "connecting to Vault timed out";
        } else if (root instanceof HttpTimeoutException) {
            what = "Vault did not answer in time";
        } else if (root instanceof ConnectException) {
            what = "Vault is not reachable (connection refused)";
        } else if (root instanceof SSLException) {
            what = "the TLS handshake with Vault failed (" + root.getClass().getSimpleName() + ")";
        } else if (root instanceof IOException) {
            what = "the connection to Vault failed (" + root.getClass().getSimpleName() + ")";
        } else {
            what = "the Vault driver failed (" + e.getClass().getSimpleName() + ")";
        }
        // refused or never connected: nothing was sent; otherwise the request may have arrived
        boolean neverSent = root instanceof ConnectException || root instanceof HttpConnectTimeoutException
                || root instanceof SSLException;
        Failure f = action.equals("write") && !neverSent
                ? new Failure.StoreFailure(Reason.OUTCOME_UNKNOWN, what + " during the " + action + " of " + path
                        + MAYBE_WRITTEN)
                : new Failure.StoreFailure(Reason.UNAVAILABLE, what + " during the " + action + " of " + path);
        return root instanceof IOException ? new TokenException(f, root) : new TokenException(f);
    }

    /** Whether a TLS failure is the peer's certificate being refused (untrusted, expired, wrong host). */
    private static boolean certificateProblem(Throwable tls) {
        for (Throwable t = tls; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    static boolean transientStatus(int status) {
        return status == 412 || status == 429 || status >= 500 || (status >= 300 && status < 400) || status == 0;
    }

    private static String describeStatus(int status) {
        return switch (status) {
            case 503 -> " (sealed, in maintenance or overloaded)";
            case 429 -> " (rate limited)";
            case 412 -> " (a performance standby has not caught up yet)";
            default -> status >= 300 && status < 400 ? " (a redirect: is this the active node?)" : "";
        };
    }

    /** The innermost JDK exception under the driver's wrappers, or null. */
    private static Throwable networkCause(Throwable e) {
        Throwable found = null;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (isJdk(t)) {
                found = t;
                break;
            }
        }
        return found;
    }

    private static boolean isJdk(Throwable t) {
        String name = t.getClass().getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }
}
