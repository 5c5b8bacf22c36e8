package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.port.TokenRefresher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@link FortiCnpHttpClient} against the simulator. */
class FortiCnpHttpClientTest extends FortiCnpApiClientContract {
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected Api newApi(TokenHandle tokens, URI baseUrl) {
        FortiCnpHttpClient client = FortiCnpHttpClient.builder().httpClient(http).tokens(tokens).baseUrl(baseUrl).build();
        return url -> client.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Override
    protected TokenRefresher newRefresher(URI baseUrl) {
        return new SimulatorRefresher(baseUrl);
    }

    @Test
    void refusesAClientThatFollowsRedirects() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThatThrownBy(() -> FortiCnpHttpClient.builder().httpClient(following))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not follow redirects");
    }

    @Test
    void replacesAnAuthorizationHeaderTheCallerSet() throws Exception {
        FortiCnpHttpClient client = FortiCnpHttpClient.builder().httpClient(http)
                .tokens(tokens(engine(new dev.cnptoken.domain.store.InMemoryTokenStore(),
                        dev.cnptoken.domain.engine.EngineSettings.defaults())))
                .baseUrl(simulator.baseUrl()).build();

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(client.uri(RESOURCE_MAP))
                .header("Authorization", "Bearer stale").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
    }
}
