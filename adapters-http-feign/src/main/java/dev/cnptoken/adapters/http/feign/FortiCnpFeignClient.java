package dev.cnptoken.adapters.http.feign;

import dev.cnptoken.adapters.http.common.FortiCnpHeaders;
import dev.cnptoken.adapters.http.common.FortiCnpOrigin;
import dev.cnptoken.adapters.http.common.FortiCnpRequestContext;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.engine.TokenHandle;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Feign {@link Client} decorator for the FortiCNP API: puts {@code Authorization: Bearer <token>}
 * from a {@link TokenHandle} on each request, and after a 401 sends the request once more with the
 * token {@link TokenHandle#invalidate} gives.
 *
 * <p>Why a client and not a {@code RequestInterceptor} with an {@code ErrorDecoder} and a {@code
 * Retryer}: the retry stays one exchange inside one {@code execute}, whatever error decoder and
 * retryer the adopter configured, it works for methods that return {@link Response} (which skip the
 * error decoder), and the header is added after Feign's {@code Logger} has logged the request, so no
 * log level shows the token. Whatever the retry answers, 401 included, goes on to Feign as usual
 * (its error decoder turns it into {@code FeignException.Unauthorized}): never a third attempt. Feign
 * request bodies are byte arrays, so every request can be sent again.
 *
 * <p>A request to any origin but the FortiCNP base URL's is refused with an {@link
 * IllegalArgumentException} before anything is sent; redirects are never followed (a followed
 * redirect could carry the token to another host). The responses handed back refer to the request
 * as Feign built it, without the token. When no token can be had, the {@link
 * dev.cnptoken.domain.TokenException} is thrown. Thread-safe.
 *
 * <pre>{@code
 * MyFortiCnpApi api = Feign.builder()
 *         .client(FortiCnpFeignClient.create(new Client.Default(null, null), engine.handle(account),
 *                 URI.create("https://www.forticnp.com")))
 *         .target(MyFortiCnpApi.class, "https://www.forticnp.com");
 * }</pre>
 */
public final class FortiCnpFeignClient implements Client {
    private static final int UNAUTHORIZED = 401;
    private static final int FORBIDDEN = 403;

    /** The client that sends the requests. */
    private final Client delegate;
    /** Where the token comes from and where a refused one is reported. */
    private final TokenHandle tokens;
    /** The only origin the token is sent to. */
    private final FortiCnpOrigin origin;
    /** The companyId and roleId headers of data calls; null when not configured. */
    private final FortiCnpRequestContext context;

    private FortiCnpFeignClient(Client delegate, TokenHandle tokens, FortiCnpOrigin origin, FortiCnpRequestContext context) {
        this.delegate = delegate;
        this.tokens = tokens;
        this.origin = origin;
        this.context = context;
    }

    /**
     * A client that sends through {@code delegate} with {@code tokens}' token, to {@code baseUrl}'s origin only.
     *
     * @throws IllegalArgumentException when {@code baseUrl} is not an absolute http or https URL
     */
    public static FortiCnpFeignClient create(Client delegate, TokenHandle tokens, URI baseUrl) {
        Objects.requireNonNull(delegate, "delegate == null");
        Objects.requireNonNull(tokens, "tokens == null");
        return new FortiCnpFeignClient(delegate, tokens, FortiCnpOrigin.of(baseUrl), null);
    }

    /**
     * Like {@link #create(Client, TokenHandle, URI)}, and every request also carries the {@code
     * companyId} and {@code roleId} headers of {@code context}; after a 403 the context is fetched
     * again and the request sent once more. Still at most two attempts per call.
     */
    public static FortiCnpFeignClient create(Client delegate, TokenHandle tokens, URI baseUrl, FortiCnpRequestContext context) {
        Objects.requireNonNull(delegate, "delegate == null");
        Objects.requireNonNull(tokens, "tokens == null");
        Objects.requireNonNull(context, "context == null");
        return new FortiCnpFeignClient(delegate, tokens, FortiCnpOrigin.of(baseUrl), context);
    }

    @Override
    public Response execute(Request request, Request.Options options) throws IOException {
        Objects.requireNonNull(request, "request == null");
        origin.check(URI.create(request.url()));
        Request.Options noRedirects = new Request.Options(options.connectTimeout(), options.connectTimeoutUnit(),
                options.readTimeout(), options.readTimeoutUnit(), false);
        AccessToken token = tokens.get();
        FortiCnpRequestContext.Context headers = context == null ? null : context.current();
        Response first = delegate.execute(prepared(request, token, headers), noRedirects);
        if (first.status() == FORBIDDEN && context != null) {
            first.close();
            context.forget(headers);
            return withoutToken(delegate.execute(prepared(request, token, context.current()), noRedirects), request);
        }
        if (first.status() != UNAUTHORIZED) {
            return withoutToken(first, request);
        }
        first.close();
        AccessToken retry = tokens.invalidate(token);
        return withoutToken(delegate.execute(prepared(request, retry, headers), noRedirects), request);
    }

    @Override
    public String toString() {
        return "FortiCnpFeignClient[" + origin + ", " + tokens + "]";
    }

    /** A copy of {@code request} with this token as its only {@code Authorization} header, and the context's headers if given. */
    private static Request prepared(Request request, AccessToken token, FortiCnpRequestContext.Context context) {
        Map<String, Collection<String>> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> {
            if (!FortiCnpHeaders.setByIntegration(name, context)) {
                headers.put(name, values);
            }
        });
        FortiCnpHeaders.forEach(token, context, (name, value) -> headers.put(name, List.of(value)));
        Request.Body body = request.body() == null ? Request.Body.empty() : Request.Body.create(request.body(), request.charset());
        return Request.create(request.httpMethod(), request.url(), headers, body, request.requestTemplate());
    }

    /** {@code response}, referring to the request as Feign built it (without the token). */
    private static Response withoutToken(Response response, Request original) {
        return response.toBuilder().request(original).build();
    }
}
