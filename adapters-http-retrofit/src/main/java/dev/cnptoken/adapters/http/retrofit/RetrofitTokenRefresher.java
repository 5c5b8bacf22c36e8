package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.adapters.http.common.Credentials;
import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.HttpSettings;
import dev.cnptoken.adapters.http.common.NetworkFailures;
import dev.cnptoken.adapters.http.common.ProxyAuthenticationRefused;
import dev.cnptoken.adapters.http.common.TokenAnswers;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.port.TokenRefresher;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;
import okhttp3.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;

/**
 * {@link TokenRefresher} over Retrofit on OkHttp. HTTP/1.1 or HTTP/2 as the server offers,
 * redirects never followed, one attempt per call (OkHttp's silent retry on connection failure is
 * off), connections pooled and reused, every response body capped while it is read (inside the
 * call, so OkHttp's call timeout bounds the whole exchange, body included). Proxy authentication is
 * Basic, sent when the proxy asks (a {@code CONNECT} is asked preemptively by OkHttp); a second 407
 * ends the call as the proxy's refusal.
 *
 * <p>Build one with {@link #builder()}. Thread-safe. {@link #close()} empties the connection pool
 * and stops OkHttp's threads; calls after that throw {@link IllegalStateException}.
 */
public final class RetrofitTokenRefresher implements TokenRefresher, AutoCloseable {
    /** FortiCNP, global region. */
    public static final URI GLOBAL_BASE_URL = HttpRefresherBuilder.GLOBAL_BASE_URL;
    /** FortiCNP, European region. */
    public static final URI EU_BASE_URL = HttpRefresherBuilder.EU_BASE_URL;
    /** Connect timeout unless configured. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = HttpRefresherBuilder.DEFAULT_CONNECT_TIMEOUT;
    /** Read timeout unless configured: the longest wait for the next bytes of the answer. */
    public static final Duration DEFAULT_READ_TIMEOUT = HttpRefresherBuilder.DEFAULT_READ_TIMEOUT;
    /** The largest response body read unless configured: 64 KiB (token answers are about 1 KiB). */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = HttpRefresherBuilder.DEFAULT_MAX_RESPONSE_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(RetrofitTokenRefresher.class);

    /**
     * Idle connections kept for reuse: as many as {@code rotate} runs calls at once by default and
     * more, so a pass over many accounts reuses its connections instead of dialling (and, over
     * TLS, handshaking) again for most calls. Idle ones close after five minutes.
     */
    static final int MAX_IDLE_CONNECTIONS = 64;

    private final HttpSettings settings;
    private final OkHttpClient client;
    private final FortiCnpAuthService service;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RetrofitTokenRefresher(HttpSettings settings) {
        this.settings = settings;
        String userAgent = settings.userAgent();

        OkHttpClient.Builder ok = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .writeTimeout(settings.readTimeout())
                .callTimeout(settings.callTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
                .sslSocketFactory(settings.sslContext().getSocketFactory(), settings.trustManager())
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("User-Agent", userAgent).build()))
                .addInterceptor(new BodyCap(settings.maxResponseBytes()));
        // also without a configured proxy: a 407 from the JVM's default proxy is reported as such
        ok.proxyAuthenticator(new ProxyBasicAuth(settings));
        settings.proxy().ifPresent(p -> ok.proxy(new Proxy(Proxy.Type.HTTP, p)));
        this.client = ok.build();
        this.service = new Retrofit.Builder()
                .baseUrl(settings.baseUrl() + "/")
                .client(client)
                .validateEagerly(true)
                .build()
                .create(FortiCnpAuthService.class);
    }

    /** A builder; only the base URL is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TokenGrant login(ApiCredential credential) {
        Objects.requireNonNull(credential, "credential == null");
        String authorization = Credentials.basicHeader(credential);
        return call(TokenCall.LOGIN, () -> service.login(authorization, TokenCall.LOGIN.grantType()));
    }

    @Override
    public TokenGrant refresh(RefreshToken refreshToken) {
        Objects.requireNonNull(refreshToken, "refreshToken == null");
        return call(TokenCall.REFRESH, () -> service.refresh(TokenCall.REFRESH.grantType(), refreshToken.value()));
    }

    /**
     * Answers a proxy's 407 with the configured Basic credentials, once; a second 407, or one when no
     * credentials are configured, ends the call with {@link ProxyAuthenticationRefused}. OkHttp
     * also asks before every {@code CONNECT} with a made-up 407 ({@code Proxy-Authenticate:
     * OkHttp-Preemptive}): then the credentials are sent at once, or nothing is.
     */
    private static final class ProxyBasicAuth implements okhttp3.Authenticator {
        private final HttpSettings settings;

        ProxyBasicAuth(HttpSettings settings) {
            this.settings = settings;
        }

        @Override
        public Request authenticate(Route route, okhttp3.Response response) throws IOException {
            boolean preemptive = "OkHttp-Preemptive".equalsIgnoreCase(response.header("Proxy-Authenticate"));
            if (preemptive && settings.proxyCredentials().isEmpty()) {
                return null;
            }
            boolean sent = response.request().header("Proxy-Authorization") != null;
            if (sent || settings.proxyCredentials().isEmpty() || response.code() != 407) {
                throw new ProxyAuthenticationRefused(sent);
            }
            return response.request().newBuilder()
                    .header("Proxy-Authorization", settings.proxyCredentials().get().basicHeaderValue())
                    .build();
        }
    }

    private interface CallFactory {
        Call<ResponseBody> create();
    }

    private TokenGrant call(TokenCall call, CallFactory factory) {
        if (closed.get()) {
            throw new IllegalStateException("RetrofitTokenRefresher is closed");
        }
        long start = System.nanoTime();
        try {
            Response<ResponseBody> response = execute(call, factory);
            byte[] body;
            try (ResponseBody raw = response.isSuccessful() ? response.body() : response.errorBody()) {
                // already read and capped by BodyCap: this only copies bytes in memory
                body = raw == null ? new byte[0] : raw.bytes();
            } catch (IOException e) {
                throw NetworkFailures.of(call, e, settings);
            }
            LOG.debug("{} answered HTTP {} in {} ms", TokenAnswers.where(call), response.code(), elapsed(start));
            return TokenAnswers.interpret(call, response.code(), body, settings.maxResponseBytes(),
                    response.headers().get("Retry-After"), settings.clock());
        } catch (TokenException e) {
            LOG.debug("{} failed after {} ms: {}", TokenAnswers.where(call), elapsed(start), e.getMessage());
            throw e;
        }
    }

    private Response<ResponseBody> execute(TokenCall call, CallFactory factory) {
        Call<ResponseBody> pending = factory.create();
        try {
            return pending.execute();
        } catch (IOException e) {
            if (pending.isCanceled()) {
                // only OkHttp's call timeout cancels a call here
                throw NetworkFailures.deadline(call, e, settings);
            }
            throw NetworkFailures.of(call, e, settings);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // OkHttp or Retrofit refusing a request it cannot build; its message may quote a value
            throw new TokenException(new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.empty(), Optional.empty(),
                    TokenAnswers.where(call) + ": the HTTP client refused the request (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Empties the connection pool and stops OkHttp's threads; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Override
    public String toString() {
        return "RetrofitTokenRefresher[" + settings + (closed.get() ? ", closed" : "") + "]";
    }

    /**
     * Settings for a {@link RetrofitTokenRefresher}: the setters of {@link HttpRefresherBuilder}, each returning this
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
     *   <li>{@link HttpRefresherBuilder#readTimeout(Duration) readTimeout}: OkHttp's read timeout (the longest silence while reading), also used as the write timeout [30 s]
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
     *       that proxy [none]
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
    public static final class Builder extends HttpRefresherBuilder<Builder, RetrofitTokenRefresher> {
        private Builder() {
            super("RetrofitTokenRefresher", "retrofit");
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected RetrofitTokenRefresher create(HttpSettings settings) {
            return new RetrofitTokenRefresher(settings);
        }
    }
}
