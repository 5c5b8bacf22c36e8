package dev.cnptoken.adapters.http.common;

import java.io.IOException;

/**
 * The proxy answered {@code 407 Proxy Authentication Required} to a tunnel ({@code CONNECT}) after
 * the credentials were sent, or when none are configured. An HTTP client that reports a refused
 * tunnel as an I/O fault throws this, so {@link NetworkFailures} can report it as the proxy's
 * refusal and not as a network fault. Its message names no credential.
 */
public final class ProxyAuthenticationRefused extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param credentialsSent whether the refused request carried {@code Proxy-Authorization} */
    public ProxyAuthenticationRefused(boolean credentialsSent) {
        super(credentialsSent ? "the proxy refused the credentials" : "the proxy requires authentication");
    }
}
