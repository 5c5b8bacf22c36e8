package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.port.TokenRefresher;
import feign.Feign;
import feign.FeignException;
import feign.Logger;
import feign.Request;
import feign.Response;
import feign.Retryer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenRefresher} over OpenFeign, on the JDK {@link HttpClient}, which honours the connect
 * and read timeouts, the TLS trust and the proxy set here. HTTP/1.1, redirects never followed, one
 * attempt per call (no Feign retryer), connections kept alive and reused, response bodies capped
 * while they arrive.
 *
 * <p>Build one with {@link #builder()}. Thread-safe. After {@link #close()} calls throw {@link
 * IllegalStateException}.
 */
public final class FeignTokenRefresher implements TokenRefresher, AutoCloseable {
    /** FortiCNP, global region. */
    public static final URI GLOBAL_BASE_URL = URI.create("https://www.forticnp.com");
    /** FortiCNP, European region. */
    public static final URI EU_BASE_URL = URI.create("https://eu.forticnp.com");
    /** Connect timeout unless configured. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Read timeout unless configured: how long to wait for the answer. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** The largest response body read unless configured: 64 KiB (token answers are about 1 KiB). */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(FeignTokenRefresher.class);
    private static final String VERSION = version();

    private final URI baseUrl;
    private final String hostPort;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxResponseBytes;
    private final Clock clock;
    private final String trustDescription;
    private final Optional<InetSocketAddress> proxy;
    private final FortiCnpAuthApi api;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FeignTokenRefresher(Builder b) {
        this.baseUrl = BaseUrls.check(b.baseUrl, b.allowPlainHttp);
        this.hostPort = BaseUrls.hostPort(baseUrl);
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxResponseBytes = b.maxResponseBytes;
        this.clock = b.clock;
        this.proxy = Optional.ofNullable(b.proxy);
        TrustMaterial trust = b.trust != null ? b.trust : TrustMaterial.jvmDefault();
        this.trustDescription = trust.toString();
        String userAgent = b.userAgent != null ? b.userAgent : "cnp-token/" + VERSION + " (feign)";

        // the JDK client's own executor: a custom one measurably slows every call (see the
        // benchmark notes); its threads are daemons that end when idle or when the client is gone
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .sslContext(trust.sslContext());
        proxy.ifPresent(p -> http.proxy(ProxySelector.of(p)));
        this.api = Feign.builder()
                .client(new JdkHttpClientFeignClient(http.build(), maxResponseBytes))
                .options(new Request.Options(connectTimeout, readTimeout, false))
                .retryer(Retryer.NEVER_RETRY)
                .logLevel(Logger.Level.NONE)
                .encoder(new FormEncoder())
                .requestInterceptor(t -> t.headerLiteral("User-Agent", userAgent))
                .target(FortiCnpAuthApi.class, baseUrl.toString());
    }

    /** A builder; only the base URL is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TokenGrant login(ApiCredential credential) {
        Objects.requireNonNull(credential, "credential == null");
        return call(TokenCall.LOGIN, FormRequest.login(credential));
    }

    @Override
    public TokenGrant refresh(RefreshToken refreshToken) {
        Objects.requireNonNull(refreshToken, "refreshToken == null");
        return call(TokenCall.REFRESH, FormRequest.refresh(refreshToken));
    }

    private TokenGrant call(TokenCall call, FormRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("FeignTokenRefresher is closed");
        }
        long start = System.nanoTime();
        try {
            Response response = send(call, request);
            byte[] body;
            try (response) {
                body = response.body() == null ? new byte[0] : readBody(response.body().asInputStream());
            } catch (IOException e) {
                throw NetworkFailures.of(call, e, hostPort, connectTimeout, readTimeout);
            }
            LOG.debug("{} answered HTTP {} in {} ms", TokenAnswers.where(call), response.status(), elapsed(start));
            return TokenAnswers.interpret(call, response.status(), body, maxResponseBytes,
                    firstHeader(response, "Retry-After"), clock);
        } catch (TokenException e) {
            LOG.debug("{} failed after {} ms: {}", TokenAnswers.where(call), elapsed(start), e.getMessage());
            throw e;
        }
    }

    private Response send(TokenCall call, FormRequest request) {
        try {
            return call == TokenCall.LOGIN ? api.login(request) : api.refresh(request);
        } catch (FeignException e) {
            // Feign wraps I/O faults (RetryableException) and failed reads; neither exception may
            // cross the port: it holds the request, body included
            if (e.getCause() instanceof IOException io) {
                throw NetworkFailures.of(call, io, hostPort, connectTimeout, readTimeout);
            }
            throw new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(),
                    TokenAnswers.where(call) + ": the HTTP client failed (" + e.getClass().getSimpleName() + ")"));
        } catch (UncheckedIOException e) {
            throw NetworkFailures.of(call, e.getCause(), hostPort, connectTimeout, readTimeout);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // the JDK client refusing a request it cannot send; its message may quote a header
            throw new TokenException(new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.empty(), Optional.empty(),
                    TokenAnswers.where(call) + ": the HTTP client refused the request (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private byte[] readBody(InputStream in) throws IOException {
        return TokenAnswers.readCapped(in, maxResponseBytes);
    }

    private static String firstHeader(Response response, String name) {
        Collection<String> values = response.headers().get(name);
        return values == null || values.isEmpty() ? null : values.iterator().next();
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * Refuses further calls and lets go of the HTTP client; idempotent. JDK 17's {@link HttpClient}
     * has no {@code close()}: its connections and threads end once it is unreachable or idle.
     */
    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "FeignTokenRefresher[" + baseUrl + ", connect " + connectTimeout.toMillis() + " ms, read "
                + readTimeout.toMillis() + " ms, " + trustDescription
                + proxy.map(p -> ", proxy " + p.getHostString() + ":" + p.getPort()).orElse("")
                + (closed.get() ? ", closed" : "") + "]";
    }

    private static String version() {
        try (InputStream in = FeignTokenRefresher.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Settings for a {@link FeignTokenRefresher}. Not thread-safe; {@link #build()} checks everything. */
    public static final class Builder {
        private URI baseUrl;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private TrustMaterial trust;
        private InetSocketAddress proxy;
        private boolean allowPlainHttp;
        private String userAgent;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * The FortiCNP base URL, e.g. {@link #GLOBAL_BASE_URL} or {@link #EU_BASE_URL}; a path
         * prefix is kept (for a gateway in front of the API). Required.
         */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl == null");
            return this;
        }

        /** The base URL as a string; see {@link #baseUrl(URI)}. */
        public Builder baseUrl(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl == null");
            try {
                return baseUrl(URI.create(baseUrl.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URL");
            }
        }

        /** How long to wait for a TCP (and TLS) connection; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for the answer once the request is sent; default 30 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * Trust exactly the certificates in this loaded key store instead of the JVM's default.
         * Exclusive with the other trust options.
         */
        public Builder trustStore(KeyStore trustStore) {
            return trust(TrustMaterial.of(Objects.requireNonNull(trustStore, "trustStore == null")));
        }

        /**
         * Trust exactly the certificates in this key store file (PKCS12 or JKS) instead of the JVM's
         * default. The file is read here; a problem is an {@link IllegalArgumentException}.
         *
         * @param password the store's password, or null for a store without integrity check
         */
        public Builder trustStore(Path file, char[] password) {
            return trust(TrustMaterial.ofTrustStoreFile(Objects.requireNonNull(file, "file == null"), password));
        }

        /**
         * Trust exactly the PEM certificates in this file (one or more CA or self-signed server
         * certificates) instead of the JVM's default. The file is read here.
         */
        public Builder trustedCertificates(Path pemFile) {
            return trust(TrustMaterial.ofPemFile(Objects.requireNonNull(pemFile, "pemFile == null")));
        }

        private Builder trust(TrustMaterial material) {
            if (trust != null) {
                throw new IllegalStateException("trust material is already set (" + trust + ")");
            }
            this.trust = material;
            return this;
        }

        /** Send requests through this HTTP proxy (CONNECT for https). Default: direct. */
        public Builder proxy(InetSocketAddress proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy == null");
            return this;
        }

        /** Send requests through the HTTP proxy at {@code host:port}. */
        public Builder proxy(String host, int port) {
            Objects.requireNonNull(host, "host == null");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("proxy port must be 1..65535, got " + port);
            }
            return proxy(InetSocketAddress.createUnresolved(host, port));
        }

        /**
         * Allow a plain {@code http://} base URL to a host that is not loopback (the credential and
         * tokens then cross the network unencrypted). Default false; loopback is always allowed.
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /** Replaces the {@code User-Agent}, by default {@code cnp-token/<version> (feign)}. */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent == null");
            if (userAgent.isBlank() || !userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("userAgent must be non-blank printable ASCII");
            }
            this.userAgent = userAgent;
            return this;
        }

        /** The largest response body to read; larger answers fail as malformed. Default 64 KiB. */
        public Builder maxResponseBytes(int bytes) {
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be 1 KiB..16 MiB, got " + bytes);
            }
            this.maxResponseBytes = bytes;
            return this;
        }

        /** The clock {@code Retry-After} dates are read against; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Creates the refresher and its HTTP client.
         *
         * @throws IllegalStateException when no base URL is set
         * @throws IllegalArgumentException for a base URL that is not acceptable
         */
        public FeignTokenRefresher build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required (e.g. FeignTokenRefresher.GLOBAL_BASE_URL)");
            }
            return new FeignTokenRefresher(this);
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
    }
}
