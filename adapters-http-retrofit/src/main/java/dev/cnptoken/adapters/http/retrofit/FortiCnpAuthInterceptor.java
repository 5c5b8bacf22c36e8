package dev.cnptoken.adapters.http.retrofit;

import dev.cnptoken.adapters.http.common.FortiCnpHeaders;
import dev.cnptoken.adapters.http.common.FortiCnpOrigin;
import dev.cnptoken.adapters.http.common.FortiCnpRequestContext;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.TokenHandle;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Puts {@code Authorization: Bearer <token>} from a {@link TokenHandle} on every OkHttp request to
 * the FortiCNP API, and after a 401 retries the request once with the token {@link
 * TokenHandle#invalidate} gives.
 *
 * <p>Whatever the retry answers, 401 included, goes back to the caller: never a third attempt. A
 * request with a one-shot body ({@link RequestBody#isOneShot()}) is not sent again: its 401 is
 * returned, and the refused token is still invalidated, so the caller's next call carries the new
 * token. A request to any origin but the FortiCNP base URL's is refused with an {@link
 * IllegalArgumentException} before anything is sent. When no token can be had, the call fails with
 * an {@link IOException} whose cause is the {@link TokenException}. The token appears in no log line
 * and no exception message.
 *
 * <p>Add it with {@code OkHttpClient.Builder.addInterceptor} (an application interceptor: OkHttp then
 * drops the header itself when it follows a redirect to another host). Thread-safe.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *         .addInterceptor(FortiCnpAuthInterceptor.create(engine.handle(account), URI.create("https://www.forticnp.com")))
 *         .build();
 * }</pre>
 */
public final class FortiCnpAuthInterceptor implements Interceptor {
    private static final int UNAUTHORIZED = 401;
    private static final int FORBIDDEN = 403;

    /** Where the token comes from and where a refused one is reported. */
    private final TokenHandle tokens;
    /** The only origin the token is sent to. */
    private final FortiCnpOrigin origin;
    /** The companyId and roleId headers of data calls; null when not configured. */
    private final FortiCnpRequestContext context;

    private FortiCnpAuthInterceptor(TokenHandle tokens, FortiCnpOrigin origin, FortiCnpRequestContext context) {
        this.tokens = tokens;
        this.origin = origin;
        this.context = context;
    }

    /**
     * An interceptor for {@code tokens}' account that sends the token to {@code baseUrl}'s origin only.
     *
     * @throws IllegalArgumentException when {@code baseUrl} is not an absolute http or https URL
     */
    public static FortiCnpAuthInterceptor create(TokenHandle tokens, URI baseUrl) {
        Objects.requireNonNull(tokens, "tokens == null");
        return new FortiCnpAuthInterceptor(tokens, FortiCnpOrigin.of(baseUrl), null);
    }

    /**
     * Like {@link #create(TokenHandle, URI)}, and every request also carries the {@code companyId} and
     * {@code roleId} headers of {@code context}; after a 403 the context is fetched again and the
     * request sent once more (unless its body is one-shot). Still at most two attempts per call.
     */
    public static FortiCnpAuthInterceptor create(TokenHandle tokens, URI baseUrl, FortiCnpRequestContext context) {
        Objects.requireNonNull(tokens, "tokens == null");
        Objects.requireNonNull(context, "context == null");
        return new FortiCnpAuthInterceptor(tokens, FortiCnpOrigin.of(baseUrl), context);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HttpUrl url = request.url();
        origin.check(url.scheme(), url.host(), url.port()); // HttpUrl.uri() would re-encode the URL every call
        AccessToken token = token(null);
        FortiCnpRequestContext.Context headers = context(null);
        Response first = chain.proceed(prepared(request, token, headers));
        if (first.code() == FORBIDDEN && context != null) {
            if (oneShot(request.body())) {
                context.forget(headers); // not sent again; the caller's next call fetches the context anew
                return first;
            }
            first.close();
            return chain.proceed(prepared(request, token, context(headers)));
        }
        if (first.code() != UNAUTHORIZED) {
            return first;
        }
        AccessToken retry;
        try {
            retry = token(token);
        } catch (IOException e) {
            first.close();
            throw e;
        }
        if (oneShot(request.body())) {
            return first; // cannot be sent again; the caller's next call carries the new token
        }
        first.close();
        return chain.proceed(prepared(request, retry, headers));
    }

    @Override
    public String toString() {
        return "FortiCnpAuthInterceptor[" + origin + ", " + tokens + "]";
    }

    /** The token to send: the current one, or (when {@code refused} is given) the one to retry with. */
    private AccessToken token(AccessToken refused) throws IOException {
        try {
            return refused == null ? tokens.get() : tokens.invalidate(refused);
        } catch (TokenException e) {
            throw new IOException("no FortiCNP access token for " + tokens.account() + ": " + e.getMessage(), e);
        }
    }

    private static boolean oneShot(RequestBody body) {
        return body != null && body.isOneShot();
    }

    /** The context's headers, or null without a context; after {@code stale} was refused (403), fetched again. */
    private FortiCnpRequestContext.Context context(FortiCnpRequestContext.Context stale) throws IOException {
        if (context == null) {
            return null;
        }
        try {
            if (stale != null) {
                context.forget(stale);
            }
            return context.current();
        } catch (TokenException e) {
            throw new IOException("no FortiCNP request context for " + tokens.account() + ": " + e.getMessage(), e);
        }
    }

    private static Request prepared(Request request, AccessToken token, FortiCnpRequestContext.Context headers) {
        Request.Builder b = request.newBuilder();
        FortiCnpHeaders.forEach(token, headers, b::header); // header() replaces any of the same name
        return b.build();
    }
}
