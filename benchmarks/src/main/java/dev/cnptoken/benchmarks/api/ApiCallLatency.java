package dev.cnptoken.benchmarks.api;

import dev.cnptoken.adapters.http.common.FortiCnpHttpClient;
import dev.cnptoken.adapters.http.feign.FortiCnpFeignClient;
import dev.cnptoken.adapters.http.retrofit.FortiCnpAuthInterceptor;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.benchmarks.RandomOrder;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenHandle;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpSimulator;
import feign.Client;
import feign.Feign;
import feign.RequestLine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Measures one FortiCNP API call ({@code GET /api/v1/resourceURLMap}) through each shipped
 * integration beside the same call with a hand-set {@code Authorization: Bearer} header on the same
 * client, interleaved call by call so every variant sees the same machine load.
 *
 * <p>The integrations: {@link FortiCnpHttpClient} (JDK {@code HttpClient}), {@link
 * FortiCnpAuthInterceptor} (OkHttp) and {@link FortiCnpFeignClient} (Feign over {@code
 * Client.Default}). Their token comes from a {@link TokenEngine} over an {@link InMemoryTokenStore}
 * with a real refresher against the simulator; the access token lives an hour, so after the first
 * login only the call path is measured. The hand-set twins send the token the engine handed out.
 * Each round runs the six variants once, in a new random order each round (so each variant follows
 * every other equally often); a warm-up of the same length comes first. Not a JMH benchmark: plain {@code System.nanoTime()} around each call.
 *
 * <p>Run: {@code java -Dsun.net.httpserver.nodelay=true -cp benchmarks/target/benchmarks.jar
 * dev.cnptoken.benchmarks.api.ApiCallLatency [samples per variant, default 10000]}
 */
public final class ApiCallLatency {
    private static final AccountId ACCOUNT = AccountId.of("benchmark");
    private static final String PATH = "/api/v1/resourceURLMap";
    private static final String[] NAMES = {"jdk FortiCnpHttpClient", "jdk hand-set header", "okhttp interceptor",
        "okhttp hand-set header", "feign FortiCnpFeignClient", "feign hand-set header"};

    /** The adopter's own Feign interface for the call. */
    interface ResourceMap {
        @RequestLine("GET " + PATH)
        byte[] map();
    }

    /** One variant: a call that must be answered 200. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    private ApiCallLatency() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        ApiCredential credential = new ApiCredential("benchmark-credential");
        try (FortiCnpSimulator sim = FortiCnpSimulator.builder().credential(credential)
                        .accessTokenLifetime(Duration.ofHours(1)).start();
                RetrofitTokenRefresher refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build();
                TokenEngine engine = TokenEngine.builder().refresher(refresher).store(new InMemoryTokenStore())
                        .credentials(account -> Optional.of(credential)).build()) {
            URI base = sim.baseUrl();
            URI uri = base.resolve(PATH);
            TokenHandle tokens = engine.handle(ACCOUNT);
            String bearer = "Bearer " + tokens.get().value();

            HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            FortiCnpHttpClient jdkApi = FortiCnpHttpClient.builder().httpClient(jdk).tokens(tokens).baseUrl(base).build();
            HttpRequest plain = HttpRequest.newBuilder(uri).header("Content-Type", "application/json").GET().build();
            HttpRequest handSet = HttpRequest.newBuilder(plain, (name, value) -> true).header("Authorization", bearer).build();

            OkHttpClient ok = new OkHttpClient();
            OkHttpClient okApi = ok.newBuilder().addInterceptor(FortiCnpAuthInterceptor.create(tokens, base)).build();
            Request okPlain = new Request.Builder().url(uri.toString()).header("Content-Type", "application/json").build();
            Request okHandSet = okPlain.newBuilder().header("Authorization", bearer).build();

            Client feignTransport = new Client.Default(null, null);
            ResourceMap feignApi = Feign.builder().client(FortiCnpFeignClient.create(feignTransport, tokens, base))
                    .target(ResourceMap.class, base.toString());
            ResourceMap feignHandSet = Feign.builder().client(feignTransport)
                    .requestInterceptor(template -> template.header("Authorization", bearer))
                    .target(ResourceMap.class, base.toString());

            Call[] calls = {
                () -> expect200(jdkApi.send(plain, HttpResponse.BodyHandlers.ofByteArray()).statusCode()),
                () -> expect200(jdk.send(handSet, HttpResponse.BodyHandlers.ofByteArray()).statusCode()),
                () -> okCall(okApi, okPlain),
                () -> okCall(ok, okHandSet),
                feignApi::map, // a non-2xx answer throws
                feignHandSet::map,
            };
            long[][] samples = new long[calls.length][n];
            RandomOrder order = new RandomOrder(calls.length, 20261201L);
            for (int pass = 0; pass < 2; pass++) { // the first pass is the warm-up
                for (int i = 0; i < n; i++) {
                    for (int v : order.next()) {
                        long t = System.nanoTime();
                        calls[v].run();
                        samples[v][i] = System.nanoTime() - t;
                    }
                }
            }
            print(samples, n);
        }
    }

    private static void okCall(OkHttpClient client, Request request) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            r.body().bytes();
            expect200(r.code());
        }
    }

    private static void expect200(int status) {
        if (status != 200) {
            throw new IllegalStateException("the simulator answered " + status);
        }
    }

    private static void print(long[][] samples, int n) {
        System.out.printf("%d samples per variant after as many of warm-up; java %s, %d CPUs%n", n,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("%-26s %9s %9s %12s %12s%n", "variant", "p50 us", "p99 us", "p50 vs twin", "p99 vs twin");
        for (long[] s : samples) {
            Arrays.sort(s);
        }
        for (int k = 0; k < samples.length; k++) {
            double p50 = samples[k][n / 2];
            double p99 = samples[k][n * 99 / 100];
            int twin = k - k % 2 + 1; // every integration's hand-set twin follows it
            String r50 = k == twin ? "" : String.format("%.3fx", p50 / samples[twin][n / 2]);
            String r99 = k == twin ? "" : String.format("%.3fx", p99 / samples[twin][n * 99 / 100]);
            System.out.printf("%-26s %9.1f %9.1f %12s %12s%n", NAMES[k], p50 / 1000, p99 / 1000, r50, r99);
        }
    }
}
