package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.HttpSettings;
import dev.cnptoken.adapters.http.common.NetworkFailures;
import dev.cnptoken.adapters.http.common.ProxyCredentials;
import dev.cnptoken.adapters.http.common.TokenAnswers;
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
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenRefresher} over OpenFeign, on the JDK {@link HttpClient}, which honours the connect
 * and read timeouts, the TLS trust and the proxy set here; the call timeout is a deadline on the
 * whole exchange, body included. HTTP/1.1, redirects never followed, one attempt per call (no Feign
 * retryer), connections kept alive and reused, response bodies capped while they arrive.
 *
 * <p>Proxy authentication is sent preemptively as {@code Proxy-Authorization: Basic}. The JDK client
 * drops Basic credentials from an HTTPS tunnel ({@code CONNECT}) unless the JVM runs with {@code
 * -Djdk.http.auth.tunneling.disabledSchemes=} (its default is {@code Basic}); {@link Builder#build()}
 * refuses proxy authentication with an {@code https} base URL without that setting, saying so.
 *
 * <p>Build one with {@link #builder()}. Thread-safe. After {@link #close()} calls throw {@link
 * IllegalStateException}.
 */
public final class FeignTokenRefresher implements TokenRefresher, AutoCloseable {
    /** FortiCNP, global region. */
    public static final URI GLOBAL_BASE_URL = HttpRefresherBuilder.GLOBAL_BASE_URL;
    /** FortiCNP, European region. */
    public static final URI EU_BASE_URL = HttpRefresherBuilder.EU_BASE_URL;
    /** Connect timeout unless configured. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = HttpRefresherBuilder.DEFAULT_CONNECT_TIMEOUT;
    /** Read timeout unless configured: how long to wait for the answer. */
    public static final Duration DEFAULT_READ_TIMEOUT = HttpRefresherBuilder.DEFAULT_READ_TIMEOUT;
    /** The largest response body read unless configured: 64 KiB (token answers are about 1 KiB). */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = HttpRefresherBuilder.DEFAULT_MAX_RESPONSE_BYTES;

    /** The JDK networking property that lists the authentication schemes left out of proxy tunnels. */
    static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(FeignTokenRefresher.class);

    private final HttpSettings settings;
    private final FortiCnpAuthApi api;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FeignTokenRefresher(HttpSettings settings) {
        this.settings = settings;
        String userAgent = settings.userAgent();

        // the JDK client's own executor: a custom one measurably slows every call (see the
        // benchmark notes); its threads are daemons that end when idle or when the client is gone
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .sslContext(settings.clientSslContext());
        settings.proxy().ifPresent(p -> http.proxy(ProxySelector.of(p)));
        Feign.Builder feign = Feign.builder()
                .client(new JdkHttpClientFeignClient(http.build(), settings.maxResponseBytes(), settings.callTimeout()))
                .options(new Request.Options(settings.connectTimeout(), settings.readTimeout(), false))
                .retryer(Retryer.NEVER_RETRY)
                .logLevel(Logger.Level.NONE)
                .encoder(new FormEncoder())
                .requestInterceptor(t -> t.headerLiteral("User-Agent", userAgent));
        // the proxy's Basic value never changes: encoded once, and no interceptor without credentials
        settings.proxyCredentials().map(ProxyCredentials::basicHeaderValue)
                .ifPresent(basic -> feign.requestInterceptor(t -> t.headerLiteral("Proxy-Authorization", basic)));
        this.api = feign.target(FortiCnpAuthApi.class, settings.baseUrl().toString());
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
                throw NetworkFailures.of(call, e, settings);
            }
            LOG.debug("{} answered HTTP {} in {} ms", TokenAnswers.where(call), response.status(), elapsed(start));
            return TokenAnswers.interpret(call, response.status(), body, settings.maxResponseBytes(),
                    firstHeader(response, "Retry-After"), settings.clock());
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
            if (e.getCause() instanceof JdkHttpClientFeignClient.DeadlineExceeded deadline) {
                throw NetworkFailures.deadline(call, deadline, settings);
            }
            if (e.getCause() instanceof IOException io) {
                throw NetworkFailures.of(call, io, settings);
            }
            throw new TokenException(new Failure.Unavailable(OptionalInt.empty(), Optional.empty(),
                    TokenAnswers.where(call) + ": the HTTP client failed (" + e.getClass().getSimpleName() + ")"));
        } catch (UncheckedIOException e) {
            throw NetworkFailures.of(call, e.getCause(), settings);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // the JDK client refusing a request it cannot send; its message may quote a header
            throw new TokenException(new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.empty(), Optional.empty(),
                    TokenAnswers.where(call) + ": the HTTP client refused the request (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private byte[] readBody(InputStream in) throws IOException {
        return TokenAnswers.readCapped(in, settings.maxResponseBytes());
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
        return "FeignTokenRefresher[" + settings + (closed.get() ? ", closed" : "") + "]";
    }

    /**
     * Settings for a {@link FeignTokenRefresher}: the setters of {@link HttpRefresherBuilder}, each returning this
     * builder. Not thread-safe; {@link #build()} checks everything.
     *
     * <p>The options, inherited from {@code HttpRefresherBuilder} (shared with the other HTTP adapter;
     * defaults in brackets):
     *
     * <ul>
     *   <li>{@link HttpRefresherBuilder#baseUrl(URI) baseUrl(URI)}, {@link HttpRefresherBuilder#baseUrl(String)
     *       baseUrl(String)}: the FortiCNP base URL, {@link #GLOBAL_BASE_URL} or {@link #EU_BASE_URL}, or a
     *       gateway's (a path prefix is kept) [required]
     *   <li>{@link HttpRefresherBuilder#connectTimeout(Duration) connectTimeout}: the TCP and TLS connection [10 s]
     *   <li>{@link HttpRefresherBuilder#readTimeout(Duration) readTimeout}: the JDK request timeout, until the answer's headers arrive [30 s]
     *   <li>{@link HttpRefresherBuilder#callTimeout(Duration) callTimeout}: the deadline of the whole call,
     *       sending and reading included [30 s]
     *   <li>{@link HttpRefresherBuilder#trustedCertificates(java.nio.file.Path) trustedCertificates(Path)}, {@link
     *       HttpRefresherBuilder#trustStore(java.nio.file.Path, char[]) trustStore(Path, char[])}, {@link
     *       HttpRefresherBuilder#trustStore(java.security.KeyStore) trustStore(KeyStore)}: trust exactly these certificates
     *       (one of the three) [the JVM's default trust]
     *   <li>{@link HttpRefresherBuilder#proxy(String, int) proxy(String, int)}, {@link
     *       HttpRefresherBuilder#proxy(java.net.InetSocketAddress) proxy(InetSocketAddress)}: an HTTP proxy (CONNECT for
     *       https) [direct]
     *   <li>{@link HttpRefresherBuilder#proxyAuthentication(String, char[]) proxyAuthentication}: HTTP Basic to
     *       that proxy; with an {@code https} base URL it needs the JVM property {@code jdk.http.auth.tunneling.disabledSchemes} set without {@code Basic} [none]
     *   <li>{@link HttpRefresherBuilder#allowPlainHttp(boolean) allowPlainHttp}: {@code http://} to a host
     *       that is not loopback [false]
     *   <li>{@link HttpRefresherBuilder#userAgent(String) userAgent} [{@code cnp-token/<version> (<library>)}]
     *   <li>{@link HttpRefresherBuilder#maxResponseBytes(int) maxResponseBytes}: larger answers are malformed
     *       [64 KiB]
     *   <li>{@link HttpRefresherBuilder#clock(java.time.Clock) clock}: what {@code Retry-After} dates are read against
     *       [the system clock]
     *   <li>{@link HttpRefresherBuilder#build() build()}: checks the settings and creates the refresher with its
     *       HTTP client
     * </ul>
     */
    public static final class Builder extends HttpRefresherBuilder<Builder, FeignTokenRefresher> {
        private Builder() {
            super("FeignTokenRefresher", "feign");
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected FeignTokenRefresher create(HttpSettings settings) {
            if (settings.proxyCredentials().isPresent() && settings.baseUrl().getScheme().equals("https")
                    && basicDisabledForTunnels(System.getProperty(TUNNELING_DISABLED_SCHEMES))) {
                throw new IllegalArgumentException("proxyAuthentication with an https base URL: the JDK HttpClient drops Basic"
                        + " proxy credentials from CONNECT tunnels unless the JVM runs with -D" + TUNNELING_DISABLED_SCHEMES
                        + "= ; set it, or use RetrofitTokenRefresher");
            }
            return new FeignTokenRefresher(settings);
        }

        /**
         * Whether the JDK client leaves Basic out of {@code CONNECT}: unless the property is set
         * without {@code Basic}, its default in {@code net.properties} is {@code Basic}.
         */
        static boolean basicDisabledForTunnels(String property) {
            if (property == null) {
                return true;
            }
            for (String scheme : property.split(",")) {
                if (scheme.strip().equalsIgnoreCase("basic")) {
                    return true;
                }
            }
            return false;
        }
    }
}
