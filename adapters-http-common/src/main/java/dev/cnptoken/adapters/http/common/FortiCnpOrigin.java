package dev.cnptoken.adapters.http.common;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
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
    /** The host of the base URL, lower case; an IPv6 address without its brackets. */
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
        return new FortiCnpOrigin(scheme, bare(baseUrl.getHost()).toLowerCase(Locale.ROOT),
                portOf(scheme, baseUrl.getPort()));
    }

    /** Whether a request to {@code url} may carry the token: same scheme, host and port. */
    public boolean matches(URI url) {
        return url != null && matches(url.getScheme(), url.getHost(), url.getPort());
    }

    /**
     * Whether a request to this scheme, host and port may carry the token: the form for HTTP clients
     * whose URL type is not {@link URI} (OkHttp's {@code HttpUrl}), with no conversion per request.
     *
     * @param host a host name, IPv4 address or IPv6 address, with or without brackets, any case
     * @param port the port, or -1 for the scheme's default
     */
    public boolean matches(String scheme, String host, int port) {
        if (scheme == null || host == null) {
            return false;
        }
        return scheme.equalsIgnoreCase(this.scheme) && bare(host).equalsIgnoreCase(this.host)
                && portOf(this.scheme, port) == this.port;
    }

    /**
     * Refuses a request to {@code url} unless it {@link #matches}: the token is not sent.
     *
     * @throws IllegalArgumentException naming only the refused origin (never the path or query,
     *     which may hold anything) and the allowed one
     */
    public void check(URI url) {
        if (url == null) {
            check(null, null, -1);
        } else {
            check(url.getScheme(), url.getHost(), url.getPort());
        }
    }

    /**
     * Refuses a request to this scheme, host and port unless it {@link #matches(String, String, int)
     * matches}: the token is not sent.
     *
     * @throws IllegalArgumentException naming only the refused origin and the allowed one
     */
    public void check(String scheme, String host, int port) {
        if (!matches(scheme, host, port)) {
            throw new IllegalArgumentException("refused to send the FortiCNP token to " + originOf(scheme, host, port)
                    + ": only requests to " + this + " carry it");
        }
    }

    /** {@code scheme://host:port}, an IPv6 address in brackets. */
    @Override
    public String toString() {
        return origin(scheme, host, port);
    }

    private static String originOf(String scheme, String host, int port) {
        if (scheme == null || host == null) {
            return "a URL without a scheme or host";
        }
        String s = scheme.toLowerCase(Locale.ROOT);
        return origin(s, bare(host).toLowerCase(Locale.ROOT), portOf(s, port));
    }

    private static String origin(String scheme, String host, int port) {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The host as compared: an IPv6 literal without its brackets ({@link URI} keeps them, OkHttp drops
     * them) and in one spelling ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one address); a name or
     * IPv4 address as it is.
     */
    private static String bare(String host) {
        String h = host.length() > 1 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') < 0) {
            return h;
        }
        try {
            return InetAddress.getByName(h).getHostAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return h; // not an IPv6 literal after all; compared as written
        }
    }

    private static int portOf(String scheme, int port) {
        if (port != -1) {
            return port;
        }
        return scheme.equals("https") ? 443 : 80;
    }
}
