package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.adapters.http.common.Credentials;
import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.HttpSettings;
import dev.cnptoken.adapters.http.common.NetworkFailures;
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
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;

/**
 * {@link TokenRefresher} over Retrofit on OkHttp. HTTP/1.1 or HTTP/2 as the server offers,
 * redirects never followed, one attempt per call (OkHttp's silent retry on connection failure is
 * off), connections pooled and reused, every response body capped while it is read.
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
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
                .sslSocketFactory(settings.sslContext().getSocketFactory(), settings.trustManager())
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("User-Agent", userAgent).build()))
                .addInterceptor(new BodyCap(settings.maxResponseBytes()));
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
        try {
            return factory.create().execute();
        } catch (IOException e) {
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
