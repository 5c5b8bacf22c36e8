package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.engine.TokenEventListener;
import dev.cnptoken.domain.engine.TokenHandle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The FortiCNP request context of one account, the {@code companyId} and {@code roleId} headers
 * that data calls need: fetched once from {@code GET /api/v1/resourceURLMap}, cached, and fetched
 * again after a re-login or when a data call answered 403.
 *
 * <p>The company is the one configured by id or by name, or the only one the map lists; with several
 * and none chosen, {@link #current()} fails with {@link Failure.NotConfigured}. The integrations
 * ({@link FortiCnpHttpClient}, the OkHttp interceptor, the Feign client) take it in their builders
 * and add the two headers to every call. Register it as a {@link TokenEventListener} of the engine
 * (beside any other) so a re-login makes it fetch again; {@link #forget} does the same after a 403.
 * Thread-safe: concurrent first calls cause one fetch.
 */
public final class FortiCnpRequestContext implements TokenEventListener {
    /** The header that names the company of a data call. */
    public static final String COMPANY_ID_HEADER = "companyId";
    /** The header that names the role of a data call. */
    public static final String ROLE_ID_HEADER = "roleId";
    private static final String RESOURCE_MAP_PATH = "/api/v1/resourceURLMap";

    /**
     * One account's request context.
     *
     * @param companyId the {@code companyId} header
     * @param companyName the company's name, as the map gives it (empty when it gives none)
     * @param roleId the {@code roleId} header
     */
    public record Context(long companyId, String companyName, long roleId) {
        public Context {
            Objects.requireNonNull(companyName, "companyName == null");
        }
    }

    /** Fetches the resource map with the bearer token (and its own retry after a 401). */
    private final FortiCnpHttpClient api;
    private final AccountId account;
    private final OptionalLong companyId;
    private final Optional<String> companyName;
    /** Serializes fetches, so concurrent callers share one. */
    private final Object fetchLock = new Object();
    /** The cached context; null until fetched and after {@link #forget}. */
    private volatile Context cached;

    private FortiCnpRequestContext(Builder b) {
        this.api = FortiCnpHttpClient.builder().httpClient(b.client).tokens(b.tokens).baseUrl(b.baseUrl).build();
        this.account = b.tokens.account();
        this.companyId = b.companyId;
        this.companyName = b.companyName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The context, fetched on the first call and after {@link #forget} or a re-login.
     *
     * @throws TokenException when it cannot be fetched ({@code Unavailable}, {@code Rejected} for a
     *     401 that survived a new token), the answer is not a resource map ({@code Malformed}), or
     *     no company can be chosen ({@code NotConfigured})
     */
    public Context current() {
        Context c = cached;
        if (c != null) {
            return c;
        }
        synchronized (fetchLock) {
            if (cached == null) {
                cached = fetch();
            }
            return cached;
        }
    }

    /**
     * A data call with {@code stale} answered 403: fetch again on the next {@link #current()}. When
     * another thread already replaced {@code stale}, nothing happens, so a burst of 403s costs one fetch.
     */
    public void forget(Context stale) {
        Objects.requireNonNull(stale, "stale == null");
        synchronized (fetchLock) {
            if (cached == stale) {
                cached = null;
            }
        }
    }

    /** A login of this context's account makes it fetch again on the next {@link #current()}. */
    @Override
    public void onEvent(TokenEvent event) {
        if (event instanceof TokenEvent.LoggedIn loggedIn && loggedIn.account().equals(account)) {
            cached = null;
        }
    }

    @Override
    public String toString() {
        return "FortiCnpRequestContext[" + account + "]";
    }

    private Context fetch() {
        HttpResponse<byte[]> answer;
        try {
            answer = api.send(HttpRequest.newBuilder(api.uri(RESOURCE_MAP_PATH)).header("Content-Type", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable(OptionalInt.empty(), "resource map request failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(OptionalInt.empty(), "interrupted while fetching the resource map");
        }
        int status = answer.statusCode();
        if (status == 200) {
            return ResourceMap.choose(answer.body(), companyId, companyName);
        }
        if (status == 401 || status == 403) {
            throw new TokenException(new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.of(status), Optional.empty(),
                    "the resource map answered HTTP " + status + " with a new access token"));
        }
        throw unavailable(OptionalInt.of(status), "the resource map answered HTTP " + status);
    }

    private static TokenException unavailable(OptionalInt status, String detail) {
        return new TokenException(new Failure.Unavailable(status, Optional.empty(), detail));
    }

    /** Builds a {@link FortiCnpRequestContext}; the client, the token handle and the base URL are required. */
    public static final class Builder {
        private HttpClient client;
        private TokenHandle tokens;
        private URI baseUrl;
        private OptionalLong companyId = OptionalLong.empty();
        private Optional<String> companyName = Optional.empty();

        private Builder() {}

        /** The JDK client that fetches the resource map; must not follow redirects (as for {@link FortiCnpHttpClient}). */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client == null");
            return this;
        }

        /** The account's token, from {@code engine.handle(account)}. */
        public Builder tokens(TokenHandle tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens == null");
            return this;
        }

        /** The FortiCNP base URL. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl == null");
            return this;
        }

        /** Choose the company with this id (when the API user sees several). Clears a name chosen before. */
        public Builder companyId(long companyId) {
            this.companyId = OptionalLong.of(companyId);
            this.companyName = Optional.empty();
            return this;
        }

        /** Choose the company with exactly this name (when the API user sees several). Clears an id chosen before. */
        public Builder companyName(String companyName) {
            Objects.requireNonNull(companyName, "companyName == null");
            if (companyName.isBlank()) {
                throw new IllegalArgumentException("companyName is blank");
            }
            this.companyName = Optional.of(companyName);
            this.companyId = OptionalLong.empty();
            return this;
        }

        public FortiCnpRequestContext build() {
            if (client == null) {
                throw new IllegalStateException("httpClient is required");
            }
            if (tokens == null) {
                throw new IllegalStateException("tokens is required");
            }
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            return new FortiCnpRequestContext(this);
        }
    }
}
