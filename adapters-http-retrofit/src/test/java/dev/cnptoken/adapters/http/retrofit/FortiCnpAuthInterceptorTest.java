package dev.cnptoken.adapters.http.retrofit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.adapters.http.common.FortiCnpApiClientContract;
import dev.cnptoken.adapters.http.common.FortiCnpRequestContext;
import dev.cnptoken.domain.engine.EngineSettings;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

/** {@link FortiCnpAuthInterceptor} on a real OkHttp client against the simulator. */
class FortiCnpAuthInterceptorTest extends FortiCnpApiClientContract {
    private static final MediaType JSON = MediaType.get("application/json");

    @Override
    protected Api newApi(TokenHandle tokens, URI baseUrl) {
        OkHttpClient client = client(tokens, baseUrl);
        return url -> {
            try (Response r = client.newCall(new Request.Builder().url(url.toString()).build()).execute()) {
                return r.code();
            }
        };
    }

    @Override
    protected TokenRefresher newRefresher(URI baseUrl) {
        return RetrofitTokenRefresher.builder().baseUrl(baseUrl).build();
    }

    private static OkHttpClient client(TokenHandle tokens, URI baseUrl) {
        return new OkHttpClient.Builder().addInterceptor(FortiCnpAuthInterceptor.create(tokens, baseUrl)).build();
    }

    @Test
    void doesNotSendAOneShotBodyAgainButTheNextCallCarriesTheNewToken() throws Exception {
        OkHttpClient client = client(tokens(engine(new InMemoryTokenStore(), EngineSettings.defaults())), simulator.baseUrl());
        assertThat(findings(client, oneShot("{\"skip\":0,\"limit\":10}"))).isEqualTo(200);
        simulator.revokeAllAccessTokens();

        assertThat(findings(client, oneShot("{\"skip\":0,\"limit\":10}"))).isEqualTo(401);
        assertThat(calls(Endpoint.FINDING_LIST)).isEqualTo(2);
        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1); // invalidated all the same

        assertThat(findings(client, oneShot("{\"skip\":0,\"limit\":10}"))).isEqualTo(200);
        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
    }

    @Test
    void retriesARepeatableBodyOnce() throws Exception {
        OkHttpClient client = client(tokens(engine(new InMemoryTokenStore(), EngineSettings.defaults())), simulator.baseUrl());
        assertThat(findings(client, RequestBody.create("{\"skip\":0,\"limit\":10}", JSON))).isEqualTo(200);
        simulator.revokeAllAccessTokens();

        assertThat(findings(client, RequestBody.create("{\"skip\":0,\"limit\":10}", JSON))).isEqualTo(200);
        assertThat(calls(Endpoint.FINDING_LIST)).isEqualTo(3);
    }

    @Test
    void withARequestContextADataCallCarriesItsHeadersAndA403FetchesItAgainOnce() throws Exception {
        TokenHandle tokens = tokens(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        FortiCnpRequestContext context = FortiCnpRequestContext.builder()
                .httpClient(HttpClient.newHttpClient()).tokens(tokens).baseUrl(simulator.baseUrl()).build();
        OkHttpClient client = new OkHttpClient.Builder()
                .addInterceptor(FortiCnpAuthInterceptor.create(tokens, simulator.baseUrl(), context)).build();
        Request bare = new Request.Builder().url(url("/api/v2/finding/list").toString())
                .post(RequestBody.create("{\"skip\":0,\"limit\":10}", JSON)).build();
        try (Response r = client.newCall(bare).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        simulator.injectFault(Endpoint.FINDING_LIST, FortiCnpFault.oauthError(403, "forbidden", "no"), 1);

        try (Response r = client.newCall(bare).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(calls(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2);
        assertThat(calls(Endpoint.FINDING_LIST)).isEqualTo(3);
    }

    private int findings(OkHttpClient client, RequestBody body) throws Exception {
        Request request = new Request.Builder().url(url("/api/v2/finding/list").toString())
                .header("companyId", String.valueOf(FortiCnpSimulator.DEFAULT_COMPANY_ID))
                .header("roleId", String.valueOf(FortiCnpSimulator.DEFAULT_ROLE_ID))
                .post(body)
                .build();
        try (Response r = client.newCall(request).execute()) {
            return r.code();
        }
    }

    private static RequestBody oneShot(String json) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public void writeTo(BufferedSink sink) throws java.io.IOException {
                sink.writeUtf8(json);
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };
    }
}
