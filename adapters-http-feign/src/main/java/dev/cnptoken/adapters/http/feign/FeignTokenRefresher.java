package dev.cnptoken.adapters.http.feign;

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
 * and read timeouts, the TLS trust and the proxy set here. HTTP/1.1, redirects never followed, one
 * attempt per call (no Feign retryer), connections kept alive and reused, response bodies capped
 * while they arrive.
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
        this.api = Feign.builder()
                .client(new JdkHttpClientFeignClient(http.build(), settings.maxResponseBytes()))
                .options(new Request.Options(settings.connectTimeout(), settings.readTimeout(), false))
                .retryer(Retryer.NEVER_RETRY)
                .logLevel(Logger.Level.NONE)
                .encoder(new FormEncoder())
                .requestInterceptor(t -> t.headerLiteral("User-Agent", userAgent))
                .target(FortiCnpAuthApi.class, settings.baseUrl().toString());
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
            return new FeignTokenRefresher(settings);
        }
    }
}
