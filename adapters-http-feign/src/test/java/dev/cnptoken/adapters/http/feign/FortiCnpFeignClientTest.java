package dev.cnptoken.adapters.http.feign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.adapters.http.common.FortiCnpApiClientContract;
import dev.cnptoken.adapters.http.common.FortiCnpRequestContext;
import dev.cnptoken.domain.engine.EngineSettings;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import feign.Client;
import feign.Feign;
import feign.FeignException;
import feign.Headers;
import feign.RequestLine;
import feign.Response;
import java.net.URI;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;

/** {@link FortiCnpFeignClient} in a real Feign client against the simulator. */
class FortiCnpFeignClientTest extends FortiCnpApiClientContract {
    /** The adopter's own API interface, as the tests use it. */
    interface ResourceMap {
        @RequestLine("GET /api/v1/resourceURLMap")
        Response raw(URI origin);

        @RequestLine("GET /api/v1/resourceURLMap")
        String decoded();

        @RequestLine("POST /api/v2/finding/list")
        @Headers("Content-Type: application/json")
        String findings(String body);
    }

    @Override
    protected Api newApi(TokenHandle tokens, URI baseUrl) {
        ResourceMap api = feign(tokens, baseUrl);
        return url -> {
            try (Response r = api.raw(URI.create(url.getScheme() + "://" + url.getRawAuthority()))) {
                return r.status();
            }
        };
    }

    @Override
    protected TokenRefresher newRefresher(URI baseUrl) {
        return FeignTokenRefresher.builder().baseUrl(baseUrl).build();
    }

    private static ResourceMap feign(TokenHandle tokens, URI baseUrl) {
        return Feign.builder()
                .client(FortiCnpFeignClient.create(new Client.Default(null, null), tokens, baseUrl))
                .target(ResourceMap.class, baseUrl.toString());
    }

    @Test
    void withARequestContextADataCallCarriesItsHeadersAndA403FetchesItAgainOnce() {
        TokenHandle tokens = tokens(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        FortiCnpRequestContext context = FortiCnpRequestContext.builder()
                .httpClient(HttpClient.newHttpClient()).tokens(tokens).baseUrl(simulator.baseUrl()).build();
        ResourceMap api = Feign.builder()
                .client(FortiCnpFeignClient.create(new Client.Default(null, null), tokens, simulator.baseUrl(), context))
                .target(ResourceMap.class, simulator.baseUrl().toString());
        assertThat(api.findings("{\"skip\":0,\"limit\":10}")).isNotEmpty();
        simulator.injectFault(Endpoint.FINDING_LIST, FortiCnpFault.oauthError(403, "forbidden", "no"), 1);

        assertThat(api.findings("{\"skip\":0,\"limit\":10}")).isNotEmpty();

        assertThat(calls(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2);
        assertThat(calls(Endpoint.FINDING_LIST)).isEqualTo(3);
    }

    @Test
    void aDecodedCallIsRetriedOnceAndASecond401ReachesTheCallerAsFeignsUnauthorized() {
        ResourceMap api = feign(tokens(engine(new InMemoryTokenStore(), EngineSettings.defaults())), simulator.baseUrl());
        assertThat(api.decoded()).contains("companyMapSet");
        simulator.revokeAllAccessTokens();
        assertThat(api.decoded()).contains("companyMapSet");
        simulator.injectFault(Endpoint.RESOURCE_URL_MAP, FortiCnpFault.oauthError(401, "invalid_token", "refused"), 2);

        assertThatThrownBy(api::decoded).isInstanceOf(FeignException.Unauthorized.class).satisfies(this::saw);

        assertThat(calls(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2 + 1 + 2);
        assertThat(calls(Endpoint.REFRESH)).isEqualTo(2);
    }
}
