package dev.cnptoken.adapters.http.common;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * The checked settings of an HTTP token refresher, as {@link HttpRefresherBuilder#build()} hands
 * them to the adapter: base URL (absolute, no trailing slash), timeouts, TLS trust, proxy and its
 * credentials, {@code User-Agent}, response cap and clock. Immutable. The only secret it holds is the
 * proxy password, inside {@link ProxyCredentials}, which {@link #toString()} never shows.
 */
public final class HttpSettings {
    private final URI baseUrl;
    private final String hostPort;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration callTimeout;
    private final TrustMaterial trust;
    private final Optional<InetSocketAddress> proxy;
    private final Optional<ProxyCredentials> proxyCredentials;
    private final String userAgent;
    private final int maxResponseBytes;
    private final Clock clock;

    HttpSettings(URI baseUrl, Duration connectTimeout, Duration readTimeout, Duration callTimeout, TrustMaterial trust,
            Optional<InetSocketAddress> proxy, Optional<ProxyCredentials> proxyCredentials, String userAgent,
            int maxResponseBytes, Clock clock) {
        this.baseUrl = baseUrl;
        this.hostPort = BaseUrls.hostPort(baseUrl);
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.callTimeout = callTimeout;
        this.trust = trust;
        this.proxy = proxy;
        this.proxyCredentials = proxyCredentials;
        this.userAgent = userAgent;
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
    }

    /** The checked base URL, without a trailing slash; a path prefix is kept. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** {@code host:port} of the base URL, for messages. */
    public String hostPort() {
        return hostPort;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** The deadline of one whole call: connect, send, wait and read the whole answer. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** A TLS context that trusts exactly the configured certificates (or the JVM's default). */
    public SSLContext sslContext() {
        return trust.sslContext();
    }

    /**
     * The TLS context to give the HTTP client: {@link #sslContext()}, or for a plain {@code http://}
     * base URL a context that refuses every use (no call of such a client speaks TLS), which costs
     * nothing to make.
     */
    public SSLContext clientSslContext() {
        return "http".equalsIgnoreCase(baseUrl.getScheme()) ? NoTlsContext.INSTANCE : sslContext();
    }

    /** The trust manager inside {@link #sslContext()}. */
    public X509TrustManager trustManager() {
        return trust.trustManager();
    }

    /** The HTTP proxy, or empty for direct connections. */
    public Optional<InetSocketAddress> proxy() {
        return proxy;
    }

    /** The credentials for the proxy's Basic authentication, or empty for none. */
    public Optional<ProxyCredentials> proxyCredentials() {
        return proxyCredentials;
    }

    /** The {@code User-Agent} to send: the configured one or {@code cnp-token/<version> (<library>)}. */
    public String userAgent() {
        return userAgent;
    }

    /** The largest response body to read; a longer one fails as malformed. */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /** The clock {@code Retry-After} dates are read against. */
    public Clock clock() {
        return clock;
    }

    /**
     * Base URL, timeouts, trust and proxy, as an adapter's {@code toString()} shows them; of the
     * proxy credentials only that there are some.
     */
    @Override
    public String toString() {
        return baseUrl + ", connect " + connectTimeout.toMillis() + " ms, read " + readTimeout.toMillis() + " ms, call "
                + callTimeout.toMillis() + " ms, " + trust
                + proxy.map(p -> ", proxy " + p.getHostString() + ":" + p.getPort()).orElse("")
                + proxyCredentials.map(c -> " with basic authentication").orElse("");
    }
}
