package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.port.TokenRefresher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The settings every HTTP token refresher takes, with their checks and defaults. Each adapter's
 * {@code Builder} extends this class and turns the checked {@link HttpSettings} into its refresher;
 * the setters return that {@code Builder}. Not thread-safe; {@link #build()} checks everything.
 *
 * @param <B> the adapter's builder
 * @param <R> the refresher it builds
 */
public abstract class HttpRefresherBuilder<B extends HttpRefresherBuilder<B, R>, R extends TokenRefresher> {
    /**
     * FortiCNP, global region. This and {@link #EU_BASE_URL} are the one definition of the FortiCNP
     * hosts: the adapters' constants and the application's presets refer to them.
     */
    public static final URI GLOBAL_BASE_URL = URI.create("https://www.forticnp.com");
    /** FortiCNP, European region. */
    public static final URI EU_BASE_URL = URI.create("https://eu.forticnp.com");
    /** Connect timeout unless configured. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Read timeout unless configured. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The deadline of one whole call unless configured: connecting, sending, waiting and reading the
     * whole answer. A server that trickles its answer cannot hold a call (and the engine's lease)
     * longer than this.
     */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** The largest response body read unless configured: 64 KiB (token answers are about 1 KiB). */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

    private static final String VERSION = version();

    private final String refresherName;
    private final String library;
    private URI baseUrl;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private TrustMaterial trust;
    private InetSocketAddress proxy;
    private ProxyCredentials proxyCredentials;
    private boolean allowPlainHttp;
    private String userAgent;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private Clock clock = Clock.systemUTC();

    /**
     * @param refresherName the refresher's class name, for messages (e.g. {@code FeignTokenRefresher})
     * @param library the HTTP library, for the default {@code User-Agent} (e.g. {@code feign})
     */
    protected HttpRefresherBuilder(String refresherName, String library) {
        this.refresherName = Objects.requireNonNull(refresherName, "refresherName == null");
        this.library = Objects.requireNonNull(library, "library == null");
    }

    /** This builder, as the adapter's type. */
    protected abstract B self();

    /** Creates the refresher and its HTTP client from checked settings. */
    protected abstract R create(HttpSettings settings);

    /**
     * The FortiCNP base URL, e.g. {@code GLOBAL_BASE_URL} or {@code EU_BASE_URL}; a path prefix is
     * kept (for a gateway in front of the API). Required.
     */
    public final B baseUrl(URI baseUrl) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl == null");
        return self();
    }

    /** The base URL as a string; see {@link #baseUrl(URI)}. */
    public final B baseUrl(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        try {
            return baseUrl(URI.create(baseUrl.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseUrl is not a valid URL");
        }
    }

    /** How long to wait for a TCP (and TLS) connection; default 10 s. */
    public final B connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return self();
    }

    /**
     * How long to wait for the answer; default 30 s. The refresher's class documentation says
     * exactly what its HTTP client bounds with it.
     */
    public final B readTimeout(Duration timeout) {
        this.readTimeout = positive(timeout, "readTimeout");
        return self();
    }

    /**
     * The deadline of one whole call, default 30 s: connecting, sending the request, waiting for the
     * answer and reading all of it. Unlike the read timeout (the longest silence), it also ends a
     * call whose answer arrives one byte at a time; the call then fails as {@code
     * Failure.Unavailable} naming the deadline, and the exchange is cancelled.
     */
    public final B callTimeout(Duration timeout) {
        this.callTimeout = positive(timeout, "callTimeout");
        return self();
    }

    /**
     * Trust exactly the certificates in this loaded key store instead of the JVM's default.
     * Exclusive with the other trust options.
     */
    public final B trustStore(KeyStore trustStore) {
        return trust(TrustMaterial.of(Objects.requireNonNull(trustStore, "trustStore == null")));
    }

    /**
     * Trust exactly the certificates in this key store file (PKCS12 or JKS) instead of the JVM's
     * default. The file is read here; a problem is an {@link IllegalArgumentException}.
     *
     * @param password the store's password, or null for a store without integrity check
     */
    public final B trustStore(Path file, char[] password) {
        return trust(TrustMaterial.ofTrustStoreFile(Objects.requireNonNull(file, "file == null"), password));
    }

    /**
     * Trust exactly the PEM certificates in this file (one or more CA or self-signed server
     * certificates) instead of the JVM's default. The file is read here.
     */
    public final B trustedCertificates(Path pemFile) {
        return trust(TrustMaterial.ofPemFile(Objects.requireNonNull(pemFile, "pemFile == null")));
    }

    private B trust(TrustMaterial material) {
        if (trust != null) {
            throw new IllegalStateException("trust material is already set (" + trust + ")");
        }
        this.trust = material;
        return self();
    }

    /** Send requests through this HTTP proxy (CONNECT for https). Default: direct. */
    public final B proxy(InetSocketAddress proxy) {
        this.proxy = Objects.requireNonNull(proxy, "proxy == null");
        return self();
    }

    /** Send requests through the HTTP proxy at {@code host:port}. */
    public final B proxy(String host, int port) {
        Objects.requireNonNull(host, "host == null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port must be 1..65535, got " + port);
        }
        return proxy(InetSocketAddress.createUnresolved(host, port));
    }

    /**
     * Authenticate to the proxy with HTTP Basic ({@code Proxy-Authorization}) as {@code username}.
     * Needs {@link #proxy(InetSocketAddress)} too. The password is copied here (the caller may clear
     * its array) and never shown by {@code toString()} or in a message.
     *
     * @throws IllegalArgumentException for a blank user name, one with {@code ':'} or a control
     *     character, or a password with a control character
     */
    public final B proxyAuthentication(String username, char[] password) {
        this.proxyCredentials = new ProxyCredentials(username, password);
        return self();
    }

    /**
     * Allow a plain {@code http://} base URL to a host that is not loopback (the credential and
     * tokens then cross the network unencrypted). Default false; loopback is always allowed.
     */
    public final B allowPlainHttp(boolean allow) {
        this.allowPlainHttp = allow;
        return self();
    }

    /** Replaces the {@code User-Agent}, by default {@code cnp-token/<version> (<library>)}. */
    public final B userAgent(String userAgent) {
        Objects.requireNonNull(userAgent, "userAgent == null");
        if (userAgent.isBlank() || !userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("userAgent must be non-blank printable ASCII");
        }
        this.userAgent = userAgent;
        return self();
    }

    /** The largest response body to read; larger answers fail as malformed. Default 64 KiB. */
    public final B maxResponseBytes(int bytes) {
        if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be 1 KiB..16 MiB, got " + bytes);
        }
        this.maxResponseBytes = bytes;
        return self();
    }

    /** The clock {@code Retry-After} dates are read against; default the system clock. */
    public final B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
        return self();
    }

    /**
     * Creates the refresher and its HTTP client.
     *
     * @throws IllegalStateException when no base URL is set, or proxy authentication without a proxy
     * @throws IllegalArgumentException for a base URL that is not acceptable
     */
    public final R build() {
        if (baseUrl == null) {
            throw new IllegalStateException("baseUrl is required (e.g. " + refresherName + ".GLOBAL_BASE_URL)");
        }
        URI checked = BaseUrls.check(baseUrl, allowPlainHttp);
        if (proxyCredentials != null && proxy == null) {
            throw new IllegalStateException("proxyAuthentication needs a proxy");
        }
        return create(new HttpSettings(checked, connectTimeout, readTimeout, callTimeout,
                trust != null ? trust : TrustMaterial.jvmDefault(), Optional.ofNullable(proxy),
                Optional.ofNullable(proxyCredentials),
                userAgent != null ? userAgent : "cnp-token/" + VERSION + " (" + library + ")", maxResponseBytes, clock));
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name + " == null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is too long");
        }
        return d;
    }

    private static String version() {
        try (InputStream in = HttpRefresherBuilder.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
