package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.EngineSettings;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every FortiCNP HTTP-client integration (JDK client, OkHttp interceptor, Feign client) does
 * against the real simulator: retry once after a 401 with the token {@code invalidate} gives, never
 * loop, respect the engine's backoff, send the token to the FortiCNP origin only, and leak nothing.
 * An integration's test says how to build its client and make one call.
 */
public abstract class FortiCnpApiClientContract {
    static {
        LogCapture.lines();
    }

    private static final AccountId ACME = AccountId.of("acme");
    protected static final String RESOURCE_MAP = "/api/v1/resourceURLMap";

    /** One integration's client, as the tests use it. */
    protected interface Api {
        /** {@code GET} on {@code url} through the integration; the answered status. */
        int get(URI url) throws Exception;
    }

    /** The integration under test, sending to {@code baseUrl} with tokens from {@code tokens}. */
    protected abstract Api newApi(TokenHandle tokens, URI baseUrl);

    /** The FortiCNP transport of the engines (the module's own refresher where it has one). */
    protected abstract TokenRefresher newRefresher(URI baseUrl);

    protected final ApiCredential credential = Sentinels.credential();
    protected FortiCnpSimulator simulator;
    private final List<TokenEngine> engines = new ArrayList<>();
    /** Messages of every exception the tests saw, for the leak check. */
    protected final List<String> thrown = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startSimulator() {
        simulator = FortiCnpSimulator.builder().credential(credential).start();
    }

    @AfterEach
    void stopAndScanForLeaks() {
        engines.forEach(TokenEngine::close);
        List<String> secrets = new ArrayList<>(simulator.issuedSecrets());
        secrets.add(credential.value());
        simulator.close();
        List<String> texts = new ArrayList<>(LogCapture.lines());
        texts.addAll(thrown);
        assertThat(leaks(texts, secrets)).isEmpty();
    }

    /** The texts that hold one of {@code secrets} (whole, or a slice of its middle). */
    static List<String> leaks(List<String> texts, List<String> secrets) {
        List<String> found = new ArrayList<>();
        for (String secret : secrets) {
            for (String needle : Sentinels.needles(secret)) {
                texts.stream().filter(t -> t.contains(needle)).forEach(found::add);
            }
        }
        return found;
    }

    @Test
    void theLeakScanFindsASecretInALineOrAnExceptionMessage() throws Exception {
        warmApi(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        String issued = simulator.issuedSecrets().stream().max(Comparator.comparingInt(String::length)).orElseThrow();
        String middle = issued.substring(issued.length() / 2 - 8, issued.length() / 2 + 8);

        assertThat(issued.length()).isGreaterThanOrEqualTo(24); // long enough for the middle slice to be searched
        assertThat(leaks(List.of("GET /x Authorization: Bearer " + issued), List.copyOf(simulator.issuedSecrets()))).isNotEmpty();
        assertThat(leaks(List.of("java.io.IOException: ..." + middle + "..."), List.of(issued))).hasSize(1);
        assertThat(leaks(List.of("nothing to see"), List.copyOf(simulator.issuedSecrets()))).isEmpty();
    }

    protected TokenEngine engine(TokenStore store, EngineSettings settings) {
        TokenEngine engine = TokenEngine.builder()
                .refresher(newRefresher(simulator.baseUrl()))
                .store(store)
                .credentials(account -> Optional.of(credential))
                .settings(settings)
                .build();
        engines.add(engine);
        return engine;
    }

    protected TokenHandle tokens(TokenEngine engine) {
        return engine.handle(ACME);
    }

    protected URI url(String path) {
        return simulator.baseUrl().resolve(path);
    }

    protected long calls(Endpoint endpoint) {
        return simulator.requestCount(endpoint);
    }

    /** Records the messages of {@code e} and its causes, for the leak check. */
    protected void saw(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            thrown.add(String.valueOf(t));
        }
    }

    private Api warmApi(TokenEngine engine) throws Exception {
        Api api = newApi(tokens(engine), simulator.baseUrl());
        assertThat(api.get(url(RESOURCE_MAP))).isEqualTo(200);
        return api;
    }

    @Test
    void aRevokedAccessTokenCostsOneRefreshAndTheCallSucceeds() throws Exception {
        Api api = warmApi(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        simulator.revokeAllAccessTokens();

        assertThat(api.get(url(RESOURCE_MAP))).isEqualTo(200);

        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
        assertThat(calls(Endpoint.LOGIN)).isEqualTo(1);
    }

    @Test
    void sixteenThreadsInEachOfTwoEnginesSharingAStoreCauseOneRefresh() throws Exception {
        TokenStore shared = new InMemoryTokenStore();
        List<Api> apis = List.of(warmApi(engine(shared, EngineSettings.defaults())), warmApi(engine(shared, EngineSettings.defaults())));
        simulator.revokeAllAccessTokens();

        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (Api api : apis) {
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return api.get(url(RESOURCE_MAP));
                    }));
                }
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
        assertThat(calls(Endpoint.LOGIN)).isEqualTo(1); // the first engine's; the second adopted it
    }

    @Test
    void whileTheRefreshEndpointFailsAndCallsGet401ItTriesOneRefreshPerBackoffInterval() throws Exception {
        // a backoff far longer than the test, so every call below falls inside the first interval
        EngineSettings slowBackoff = EngineSettings.defaults().withBackoff(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
        Api api = warmApi(engine(new InMemoryTokenStore(), slowBackoff));
        simulator.injectFault(Endpoint.REFRESH, FortiCnpFault.oauthError(503, "temporarily_unavailable", "maintenance"), 100);
        simulator.revokeAllAccessTokens();

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> api.get(url(RESOURCE_MAP)))
                    .satisfies(this::saw)
                    .satisfies(e -> assertThat(causes(e)).anyMatch(TokenException.class::isInstance));
        }

        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
        assertThat(calls(Endpoint.RESOURCE_URL_MAP)).isEqualTo(1 + 5);
    }

    @Test
    void whenTheRefreshTokenIsRevokedTooItLogsInAgainAndTheCallSucceeds() throws Exception {
        Api api = warmApi(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        simulator.revokeAllAccessTokens();
        simulator.revokeAllRefreshTokens();

        assertThat(api.get(url(RESOURCE_MAP))).isEqualTo(200);

        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
        assertThat(calls(Endpoint.LOGIN)).isEqualTo(2);
    }

    @Test
    void aRetriedRequestThatGets401AgainIsReturnedWithoutAThirdAttempt() throws Exception {
        Api api = warmApi(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        simulator.injectFault(Endpoint.RESOURCE_URL_MAP, FortiCnpFault.oauthError(401, "invalid_token", "refused"), 2);

        assertThat(api.get(url(RESOURCE_MAP))).isEqualTo(401);

        assertThat(calls(Endpoint.RESOURCE_URL_MAP)).isEqualTo(1 + 2);
        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
    }

    @Test
    void refusesARequestToAnotherHostAndSendsItNoToken() throws Exception {
        Api api = warmApi(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        other.start();
        try {
            URI elsewhere = URI.create("http://127.0.0.1:" + other.getAddress().getPort() + RESOURCE_MAP);

            assertThatThrownBy(() -> api.get(elsewhere))
                    .satisfies(this::saw)
                    .satisfies(e -> assertThat(causes(e)).anyMatch(IllegalArgumentException.class::isInstance))
                    .satisfies(e -> assertThat(causes(e).stream().map(Throwable::getMessage).toList())
                            .anyMatch(m -> m != null && m.contains("refused to send the FortiCNP token")));
        } finally {
            other.stop(0);
        }
        assertThat(authorizations).isEmpty();
    }

    @Test
    void anIpv6BaseUrlCarriesTheToken() throws Exception {
        FortiCnpSimulator v6;
        try {
            v6 = FortiCnpSimulator.builder().credential(credential).bindAddress(InetAddress.getByName("::1")).start();
        } catch (RuntimeException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        simulator.close();
        simulator = v6;
        assertThat(simulator.baseUrl().getHost()).startsWith("[").contains(":"); // an IPv6 literal

        Api api = warmApi(engine(new InMemoryTokenStore(), EngineSettings.defaults()));
        simulator.revokeAllAccessTokens();

        assertThat(api.get(url(RESOURCE_MAP))).isEqualTo(200); // the same origin after the retry, too
        assertThat(calls(Endpoint.REFRESH)).isEqualTo(1);
    }

    /** {@code e} and its causes. */
    protected static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = e; t != null && all.size() < 20; t = t.getCause()) {
            all.add(t);
        }
        return all;
    }
}
