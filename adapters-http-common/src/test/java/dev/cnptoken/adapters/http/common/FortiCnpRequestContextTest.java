package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEventListener;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link FortiCnpRequestContext} against the simulator's resource map and data call. */
class FortiCnpRequestContextTest {
    static {
        LogCapture.lines();
    }

    private static final AccountId ACME = AccountId.of("acme");
    private final ApiCredential credential = Sentinels.credential();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<TokenEventListener> listeners = new ArrayList<>();
    private FortiCnpSimulator simulator;
    private TokenEngine engine;

    private TokenHandle start(UnaryOperator<FortiCnpSimulator.Builder> companies) {
        simulator = companies.apply(FortiCnpSimulator.builder().credential(credential)).start();
        engine = TokenEngine.builder()
                .refresher(new SimulatorRefresher(simulator.baseUrl()))
                .store(new InMemoryTokenStore())
                .credentials(account -> Optional.of(credential))
                .listener(event -> listeners.forEach(l -> l.onEvent(event)))
                .build();
        return engine.handle(ACME);
    }

    private FortiCnpRequestContext.Builder context(TokenHandle tokens) {
        return FortiCnpRequestContext.builder().httpClient(http).tokens(tokens).baseUrl(simulator.baseUrl());
    }

    @AfterEach
    void stopAndScanForLeaks() {
        List<String> secrets = new ArrayList<>(simulator.issuedSecrets());
        secrets.add(credential.value());
        engine.close();
        simulator.close();
        for (String secret : secrets) {
            for (String needle : Sentinels.needles(secret)) {
                assertThat(LogCapture.lines()).noneMatch(l -> l.contains(needle));
            }
        }
    }

    @Test
    void takesTheOnlyCompanyAndTheRoleAndFetchesOnce() {
        FortiCnpRequestContext context = context(start(b -> b)).build();

        FortiCnpRequestContext.Context first = context.current();

        assertThat(first.companyId()).isEqualTo(FortiCnpSimulator.DEFAULT_COMPANY_ID);
        assertThat(first.roleId()).isEqualTo(FortiCnpSimulator.DEFAULT_ROLE_ID);
        assertThat(context.current()).isSameAs(first);
        assertThat(simulator.requestCount(Endpoint.RESOURCE_URL_MAP)).isEqualTo(1);
        assertThat(simulator.lastRequest(Endpoint.RESOURCE_URL_MAP).orElseThrow().header("Content-Type")).contains("application/json");
    }

    @Test
    void refusesToGuessAmongSeveralCompanies() {
        FortiCnpRequestContext context = context(start(b -> b.company(7, "Seven").company(8, "Eight"))).build();

        assertThatThrownBy(context::current)
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("several companies (ids 7, 8)")
                .satisfies(e -> assertThat(((TokenException) e).failure()).isInstanceOf(Failure.NotConfigured.class));
    }

    @Test
    void choosesACompanyByIdOrByName() {
        TokenHandle tokens = start(b -> b.company(7, "Seven").company(8, "Eight"));

        assertThat(context(tokens).companyId(8).build().current().companyName()).isEqualTo("Eight");
        assertThat(context(tokens).companyName("Seven").build().current().companyId()).isEqualTo(7);
        assertThatThrownBy(() -> context(tokens).companyId(9).build().current())
                .isInstanceOf(TokenException.class).hasMessageContaining("no company with id 9");
    }

    @Test
    void aDataCallCarriesTheContextHeaders() throws Exception {
        TokenHandle tokens = start(b -> b);
        FortiCnpHttpClient api = FortiCnpHttpClient.builder().httpClient(http).tokens(tokens).baseUrl(simulator.baseUrl())
                .requestContext(context(tokens).build()).build();

        HttpResponse<String> page = api.send(findings(api), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(simulator.lastRequest(Endpoint.FINDING_LIST).orElseThrow().header("companyId"))
                .contains(Long.toString(FortiCnpSimulator.DEFAULT_COMPANY_ID));
    }

    @Test
    void fetchesTheContextOnceAcrossAThousandDataCalls() throws Exception {
        TokenHandle tokens = start(b -> b);
        FortiCnpHttpClient api = FortiCnpHttpClient.builder().httpClient(http).tokens(tokens).baseUrl(simulator.baseUrl())
                .requestContext(context(tokens).build()).build();

        for (int i = 0; i < 1_000; i++) {
            assertThat(api.send(findings(api), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }

        assertThat(simulator.requestCount(Endpoint.FINDING_LIST)).isEqualTo(1_000);
        assertThat(simulator.requestCount(Endpoint.RESOURCE_URL_MAP)).isEqualTo(1);
    }

    @Test
    void fetchesTheContextAgainAfterA403AndRetriesOnce() throws Exception {
        TokenHandle tokens = start(b -> b);
        FortiCnpRequestContext context = context(tokens).build();
        FortiCnpHttpClient api = FortiCnpHttpClient.builder().httpClient(http).tokens(tokens).baseUrl(simulator.baseUrl())
                .requestContext(context).build();
        assertThat(api.send(findings(api), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        simulator.injectFault(Endpoint.FINDING_LIST, dev.cnptoken.simulator.FortiCnpFault.oauthError(403, "forbidden", "no"), 1);

        assertThat(api.send(findings(api), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        assertThat(simulator.requestCount(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2);
        assertThat(simulator.requestCount(Endpoint.FINDING_LIST)).isEqualTo(3);
    }

    @Test
    void fetchesTheContextAgainAfterALogin() {
        TokenHandle tokens = start(b -> b);
        FortiCnpRequestContext context = context(tokens).build();
        listeners.add(context);
        context.current();

        engine.login(ACME, credential, false);
        context.current();

        assertThat(simulator.requestCount(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2);
    }

    private static HttpRequest findings(FortiCnpHttpClient api) {
        return HttpRequest.newBuilder(api.uri("/api/v2/finding/list"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"skip\":0,\"limit\":10}"))
                .build();
    }
}
