package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import io.github.jopenlibs.vault.VaultException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
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
    /** Appended when a write's outcome is unknown (the port asks to say so). */
    static final String MAYBE_WRITTEN = "; the write may or may not have taken place: read the account again";

    private VaultFailures() {}

    static TokenException failure(Reason reason, String detail) {
        return new TokenException(new Failure.StoreFailure(reason, detail));
    }

    static TokenException permissionDenied(String action, String path, int status) {
        return failure(Reason.PERMISSION_DENIED, "Vault denied the " + action + " of " + path + " (HTTP " + status
                + "): the token's policies do not allow it");
    }

    /** For an HTTP status that is neither success, 403, 404 nor a check-and-set mismatch. */
    static TokenException fromStatus(String action, String path, int status) {
        if (status == 401 || status == 403) {
            return permissionDenied(action, path, status);
        }
        if (transientStatus(status)) {
            boolean uncertain = action.equals("write") && status >= 500 && status != 503;
            return failure(Reason.UNAVAILABLE, "Vault answered HTTP " + status + " to the " + action + " of " + path
                    + describeStatus(status) + (uncertain ? MAYBE_WRITTEN : ""));
        }
        return failure(Reason.PERMISSION_DENIED, "Vault refused the " + action + " of " + path + " with HTTP " + status
                + " (is " + "the mount a KV version 2 engine, and the path allowed?)");
    }

    /** For a {@link VaultException} thrown by the driver (network fault, 5xx, unexpected answer). */
    static TokenException fromException(String action, String path, VaultException e) {
        int status = e.getHttpStatusCode();
        if (status != 0) {
            return fromStatus(action, path, status);
        }
        Throwable root = networkCause(e);
        if (root instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return failure(Reason.UNAVAILABLE, "interrupted during the " + action + " of " + path);
        }
        String what;
        if (root instanceof HttpConnectTimeoutException) {
            what = "connecting to Vault timed out";
        } else if (root instanceof HttpTimeoutException) {
            what = "Vault did not answer in time";
        } else if (root instanceof ConnectException) {
            what = "Vault is not reachable (connection refused)";
        } else if (root instanceof SSLException) {
            what = "the TLS handshake with Vault failed (is its certificate trusted? see caCertificatePem)";
        } else if (root instanceof IOException) {
            what = "the connection to Vault failed (" + root.getClass().getSimpleName() + ")";
        } else {
            what = "the Vault driver failed (" + e.getClass().getSimpleName() + ")";
        }
        // refused or never connected: nothing was sent; otherwise the request may have arrived
        boolean neverSent = root instanceof ConnectException || root instanceof HttpConnectTimeoutException
                || root instanceof SSLException;
        String note = action.equals("write") && !neverSent ? MAYBE_WRITTEN : "";
        Failure f = new Failure.StoreFailure(Reason.UNAVAILABLE, what + " during the " + action + " of " + path + note);
        return root instanceof IOException ? new TokenException(f, root) : new TokenException(f);
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
