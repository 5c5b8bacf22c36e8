package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.adapters.http.common.FortiCnpHttpClient;
import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.http.feign.FortiCnpFeignClient;
import dev.cnptoken.adapters.http.retrofit.FortiCnpAuthInterceptor;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import feign.Client;
import feign.Feign;
import feign.RequestLine;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The setup, end to end: two service instances (a real redis-server as the shared store, one
 * of the API-call integrations for their own API calls: OkHttp with {@link FortiCnpAuthInterceptor},
 * Feign with {@link FortiCnpFeignClient} or the JDK client with {@link FortiCnpHttpClient}); the
 * simulator revokes the access token server-side, and one refresh in total brings every call back.
 */
class ApiCallsOverRedisTest {
    private static final AccountId ACME = AccountId.of("acme");
    private static final String RESOURCE_MAP = "/api/v1/resourceURLMap";

    /** One service instance's API client: the status of one resource-map call. */
    @FunctionalInterface
    interface Api {
        int resourceMap() throws Exception;
    }

    /** The adopter's own Feign interface for the call. */
    interface FeignResourceMap {
        @RequestLine("GET " + RESOURCE_MAP)
        feign.Response raw();
    }

    private final List<AutoCloseable> closing = new ArrayList<>();
    private RedisServer redis;
    private FortiCnpSimulator sim;

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (sim != null) {
            sim.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void sixteenThreadsInEachOfTwoInstancesSharingRedisCauseOneRefreshAfterARevocation() throws Exception {
        assertOneRefreshAfterARevocation(this::okHttpInstance);
    }

    @Test
    void sixteenFeignThreadsInEachOfTwoInstancesSharingRedisCauseOneRefreshAfterARevocation() throws Exception {
        assertOneRefreshAfterARevocation(this::feignInstance);
    }

    @Test
    void sixteenJdkClientThreadsInEachOfTwoInstancesSharingRedisCauseOneRefreshAfterARevocation() throws Exception {
        assertOneRefreshAfterARevocation(this::jdkInstance);
    }

    /** Two instances made by {@code instance} (from the Redis port and the credential), 16 threads each. */
    private void assertOneRefreshAfterARevocation(InstanceFactory instance) throws Exception {
        int port = Loopback.freePort();
        Path dir = Files.createTempDirectory("cnp-api-redis");
        redis = RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("dir " + dir)
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        ApiCredential credential = Sentinels.credential();
        sim = FortiCnpSimulator.builder().credential(credential).start();
        List<Api> instances = List.of(instance.create(port, credential), instance.create(port, credential));
        for (Api api : instances) {
            assertThat(api.resourceMap()).isEqualTo(200);
        }
        sim.revokeAllAccessTokens();

        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (Api api : instances) {
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return api.resourceMap();
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
        assertThat(sim.requestCount(Endpoint.REFRESH)).isEqualTo(1);
        assertThat(sim.requestCount(Endpoint.LOGIN)).isEqualTo(1);
    }

    /** Makes one service instance's API client. */
    @FunctionalInterface
    interface InstanceFactory {
        Api create(int redisPort, ApiCredential credential);
    }

    /** One service instance: its own Retrofit refresher, Redis connection pool, engine and OkHttp client. */
    private Api okHttpInstance(int redisPort, ApiCredential credential) {
        TokenHandle tokens = tokens(redisPort, credential, RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build());
        OkHttpClient client = new OkHttpClient.Builder()
                .addInterceptor(FortiCnpAuthInterceptor.create(tokens, sim.baseUrl()))
                .build();
        return () -> resourceMap(client);
    }

    /** One service instance: its own Feign refresher, Redis connection pool, engine and Feign client. */
    private Api feignInstance(int redisPort, ApiCredential credential) {
        TokenHandle tokens = tokens(redisPort, credential, FeignTokenRefresher.builder().baseUrl(sim.baseUrl()).build());
        FeignResourceMap api = Feign.builder()
                .client(FortiCnpFeignClient.create(new Client.Default(null, null), tokens, sim.baseUrl()))
                .target(FeignResourceMap.class, sim.baseUrl().toString());
        return () -> {
            try (feign.Response r = api.raw()) {
                return r.status();
            }
        };
    }

    /** One service instance: its own Retrofit refresher, Redis connection pool, engine and JDK client. */
    private Api jdkInstance(int redisPort, ApiCredential credential) {
        TokenHandle tokens = tokens(redisPort, credential, RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build());
        FortiCnpHttpClient api = FortiCnpHttpClient.builder()
                .httpClient(HttpClient.newHttpClient()).tokens(tokens).baseUrl(sim.baseUrl()).build();
        HttpRequest request = HttpRequest.newBuilder(api.uri(RESOURCE_MAP)).header("Content-Type", "application/json")
                .GET().build();
        return () -> api.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The instance's token handle: an engine over {@code refresher} and its own connection to the shared Redis. */
    private TokenHandle tokens(int redisPort, ApiCredential credential, TokenRefresher refresher) {
        closing.add(refresher);
        RedisTokenStore store = RedisTokenStore.builder().uri("redis://127.0.0.1:" + redisPort).keyPrefix("cnp").build();
        closing.add(store);
        TokenEngine engine = TokenEngine.builder()
                .refresher(refresher)
                .store(store)
                .credentials(account -> Optional.of(credential))
                .build();
        closing.add(engine);
        return engine.handle(ACME);
    }

    private int resourceMap(OkHttpClient client) throws IOException {
        Request request = new Request.Builder().url(sim.baseUrl().resolve(RESOURCE_MAP).toString())
                .header("Content-Type", "application/json").build();
        try (Response r = client.newCall(request).execute()) {
            return r.code();
        }
    }

}
