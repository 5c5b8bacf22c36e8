package dev.cnptoken.adapters.http.common;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides whether a request may carry the FortiCNP bearer token: only a request to the scheme, host
 * and port of the configured FortiCNP base URL may. Shared by the HTTP-client integrations ({@link
 * FortiCnpHttpClient}, the OkHttp interceptor, the Feign client) so that a token is never sent to
 * another host. Immutable and thread-safe.
 */
public final class FortiCnpOrigin {
    /** The scheme of the base URL, lower case. */
    private final String scheme;
    /** The host of the base URL, lower case. */
    private final String host;
    /** The port of the base URL, the scheme's default filled in. */
    private final int port;

    private FortiCnpOrigin(String scheme, String host, int port) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
    }

    /**
     * The origin of {@code baseUrl}, e.g. {@code https://www.forticnp.com}.
     *
     * @throws IllegalArgumentException when it is not an absolute http or https URL with a host
     */
    public static FortiCnpOrigin of(URI baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("the FortiCNP base URL must be an absolute http or https URL");
        }
        if (baseUrl.getHost() == null) {
            throw new IllegalArgumentException("the FortiCNP base URL has no host");
        }
        return new FortiCnpOrigin(scheme, baseUrl.getHost().toLowerCase(Locale.ROOT), portOf(scheme, baseUrl.getPort()));
    }

    /** Whether a request to {@code url} may carry the token: same scheme, host and port. */
    public boolean matches(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            return false;
        }
        String s = url.getScheme().toLowerCase(Locale.ROOT);
        return s.equals(scheme) && url.getHost().toLowerCase(Locale.ROOT).equals(host) && portOf(s, url.getPort()) == port;
    }

    /**
     * Refuses a request to {@code url} unless it {@link #matches}: the token is not sent.
     *
     * @throws IllegalArgumentException naming only the refused origin (never the path or query,
     *     which may hold anything) and the allowed one
     */
    public void check(URI url) {
        if (!matches(url)) {
            throw new IllegalArgumentException("refused to send the FortiCNP token to " + originOf(url)
                    + ": only requests to " + this + " carry it");
        }
    }

    /** {@code scheme://host:port}. */
    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port;
    }

    private static String originOf(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            return "a URL without a scheme or host";
        }
        String s = url.getScheme().toLowerCase(Locale.ROOT);
        return s + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + portOf(s, url.getPort());
    }

    private static int portOf(String scheme, int port) {
        if (port != -1) {
            return port;
        }
        return scheme.equals("https") ? 443 : 80;
    }
}
