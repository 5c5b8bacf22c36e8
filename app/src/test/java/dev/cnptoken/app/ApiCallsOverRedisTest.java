package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.adapters.http.retrofit.FortiCnpAuthInterceptor;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * The setup, end to end: two service instances (Retrofit transport, a real redis-server as
 * the shared store, OkHttp with {@link FortiCnpAuthInterceptor} for their own API calls); the
 * simulator revokes the access token server-side, and one refresh in total brings every call back.
 */
class ApiCallsOverRedisTest {
    private static final AccountId ACME = AccountId.of("acme");

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
        int port = freePort();
        Path dir = Files.createTempDirectory("cnp-api-redis");
        redis = RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("dir " + dir)
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        ApiCredential credential = Sentinels.credential();
        sim = FortiCnpSimulator.builder().credential(credential).start();
        List<OkHttpClient> instances = List.of(instance(port, credential), instance(port, credential));
        for (OkHttpClient client : instances) {
            assertThat(resourceMap(client)).isEqualTo(200);
        }
        sim.revokeAllAccessTokens();

        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (OkHttpClient client : instances) {
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return resourceMap(client);
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

    /** One service instance: its own refresher, Redis connection pool, engine and OkHttp client. */
    private OkHttpClient instance(int redisPort, ApiCredential credential) {
        RetrofitTokenRefresher refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build();
        RedisTokenStore store = RedisTokenStore.builder().uri("redis://127.0.0.1:" + redisPort).keyPrefix("cnp").build();
        TokenEngine engine = TokenEngine.builder()
                .refresher(refresher)
                .store(store)
                .credentials(account -> Optional.of(credential))
                .build();
        closing.add(refresher);
        closing.add(store);
        closing.add(engine);
        return new OkHttpClient.Builder()
                .addInterceptor(FortiCnpAuthInterceptor.create(engine.handle(ACME), sim.baseUrl()))
                .build();
    }

    private int resourceMap(OkHttpClient client) throws IOException {
        Request request = new Request.Builder().url(sim.baseUrl().resolve("/api/v1/resourceURLMap").toString())
                .header("Content-Type", "application/json").build();
        try (Response r = client.newCall(request).execute()) {
            return r.code();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
