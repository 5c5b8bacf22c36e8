package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.engine.TokenHandle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Sends requests to the FortiCNP API through a JDK {@link HttpClient} with {@code Authorization:
 * Bearer <token>} from a {@link TokenHandle}, and retries a request once after the API answered 401.
 *
 * <p>On a 401 the refused token is {@link TokenHandle#invalidate invalidated} (which refreshes it, or
 * adopts the token another thread or instance already got) and the request is sent once more with
 * the new token; whatever that second answer is, 401 included, is returned: never a third attempt.
 * JDK body publishers can be read again, so every request can be retried. A request to any host but
 * the configured FortiCNP base URL's is refused before anything is sent. With a {@link
 * FortiCnpRequestContext}, every request also carries the {@code companyId} and {@code roleId}
 * headers, and a 403 makes it fetch the context again and send the request once more (still at
 * most two attempts per call). The token appears in no log
 * line and no exception message. Thread-safe; the {@code HttpClient} is the caller's to close.
 *
 * <pre>{@code
 * FortiCnpHttpClient api = FortiCnpHttpClient.builder()
 *         .httpClient(HttpClient.newHttpClient())
 *         .tokens(engine.handle(AccountId.of("acme")))
 *         .baseUrl(URI.create("https://www.forticnp.com"))
 *         .build();
 * HttpResponse<String> r = api.send(HttpRequest.newBuilder(api.uri("/api/v1/resourceURLMap")).build(),
 *         HttpResponse.BodyHandlers.ofString());
 * }</pre>
 */
public final class FortiCnpHttpClient {
    private static final int UNAUTHORIZED = 401;
    private static final int FORBIDDEN = 403;

    private final HttpClient client;
    /** Where the token comes from and where a refused one is reported. */
    private final TokenHandle tokens;
    /** The only origin the token is sent to. */
    private final FortiCnpOrigin origin;
    private final URI baseUrl;
    /** The companyId and roleId headers of data calls; null when not configured. */
    private final FortiCnpRequestContext context;

    private FortiCnpHttpClient(Builder b) {
        this.client = b.client;
        this.tokens = b.tokens;
        this.baseUrl = b.baseUrl;
        this.context = b.context;
        this.origin = b.origin;
    }

    /**
     * TLS that trusts exactly the PEM certificates in {@code pemFile} (a TLS-inspecting proxy's CA, say),
     * read as the refreshers' {@code caCertificateFile} reads them: for the {@link HttpClient} handed to
     * {@link Builder#httpClient}.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public static SSLContext trusting(Path pemFile) {
        return TrustMaterial.ofPemFile(pemFile).sslContext();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code path} resolved against the base URL, e.g. {@code uri("/api/v1/resourceURLMap")}. */
    public URI uri(String path) {
        Objects.requireNonNull(path, "path == null");
        return baseUrl.resolve(path);
    }

    /**
     * Sends {@code request} with the bearer token; after a 401, once more with a new token.
     *
     * @return the answer to the last attempt
     * @throws IllegalArgumentException when the request is not for the FortiCNP base URL (nothing is sent)
     * @throws dev.cnptoken.domain.TokenException when no token can be had (before the first attempt,
     *     or after a 401 when the engine cannot get a new one)
     * @throws IOException as {@link HttpClient#send}
     * @throws InterruptedException as {@link HttpClient#send}
     */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Objects.requireNonNull(request, "request == null");
        Objects.requireNonNull(handler, "handler == null");
        origin.check(request.uri());
        AccessToken token = tokens.get();
        FortiCnpRequestContext.Context headers = context == null ? null : context.current();
        HttpResponse<T> first = client.send(prepared(request, token, headers), handler);
        if (first.statusCode() == UNAUTHORIZED) {
            discard(first);
            AccessToken retry = tokens.invalidate(token);
            return client.send(prepared(request, retry, headers), handler);
        }
        if (first.statusCode() == FORBIDDEN && context != null) {
            discard(first);
            context.forget(headers);
            return client.send(prepared(request, token, context.current()), handler);
        }
        return first;
    }

    @Override
    public String toString() {
        return "FortiCnpHttpClient[" + origin + ", " + tokens + "]";
    }

    /** A copy of {@code request} with this token as its only {@code Authorization} header, and the context's headers if given. */
    private static HttpRequest prepared(HttpRequest request, AccessToken token, FortiCnpRequestContext.Context headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request,
                (name, value) -> !FortiCnpHeaders.setByIntegration(name, headers));
        FortiCnpHeaders.forEach(token, headers, b::header);
        return b.build();
    }

    /** Releases the body of an answer that is not returned, when it is a stream. */
    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the answer is dropped either way
            }
        }
    }

    /** Builds a {@link FortiCnpHttpClient}; the client, the token handle and the base URL are required. */
    public static final class Builder {
        private HttpClient client;
        private TokenHandle tokens;
        private URI baseUrl;
        private FortiCnpOrigin origin;
        private FortiCnpRequestContext context;

        private Builder() {}

        /**
         * Adds the account's {@code companyId} and {@code roleId} headers to every request (replacing
         * any the caller set), and after a 403 fetches the context again and sends the request once
         * more. Optional: without it, requests go out with the caller's headers.
         */
        public Builder requestContext(FortiCnpRequestContext context) {
            this.context = Objects.requireNonNull(context, "context == null");
            return this;
        }

        /**
         * The client that sends the requests. It must not follow redirects ({@link
         * HttpClient.Redirect#NEVER}, the default of {@link HttpClient#newHttpClient()}): a followed
         * redirect could carry the token to another host.
         */
        public Builder httpClient(HttpClient client) {
            Objects.requireNonNull(client, "client == null");
            if (client.followRedirects() != HttpClient.Redirect.NEVER) {
                throw new IllegalArgumentException("the HttpClient must not follow redirects (HttpClient.Redirect.NEVER):"
                        + " a redirect could carry the FortiCNP token to another host");
            }
            this.client = client;
            return this;
        }

        /** The account's token, from {@code engine.handle(account)}. */
        public Builder tokens(TokenHandle tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens == null");
            return this;
        }

        /** The FortiCNP base URL, e.g. {@code https://www.forticnp.com}: the only origin that gets the token. */
        public Builder baseUrl(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl == null");
            this.origin = FortiCnpOrigin.of(baseUrl);
            this.baseUrl = baseUrl;
            return this;
        }

        public FortiCnpHttpClient build() {
            if (client == null) {
                throw new IllegalStateException("httpClient is required");
            }
            if (tokens == null) {
                throw new IllegalStateException("tokens is required");
            }
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            return new FortiCnpHttpClient(this);
        }
    }
}
