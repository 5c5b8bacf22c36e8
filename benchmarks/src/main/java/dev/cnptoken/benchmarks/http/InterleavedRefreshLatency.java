package dev.cnptoken.benchmarks.http;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.TokenAnswers;
import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.benchmarks.RandomOrder;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.simulator.FortiCnpSimulator;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * A cross-check of {@link RefreshLatencyBenchmark} for busy machines: JMH measures one benchmark
 * after the other, so a load change between them skews the ratios. This harness takes one sample
 * of each client in turn, in a new random order each round ({@link RandomOrder}), many times over,
 * so all four see the same load and none always follows the same other. {@code rawDecoded} is the
 * bare client plus the adapters' decoding ({@link TokenAnswers}): an adapter minus it is the
 * adapter's own cost. Not a JMH benchmark:
 * plain {@code System.nanoTime()} around each call, after a warm-up of the same length.
 *
 * <p>Run: {@code java -Dsun.net.httpserver.nodelay=true -cp benchmarks/target/benchmarks.jar
 * dev.cnptoken.benchmarks.http.InterleavedRefreshLatency [samples per client, default 5000]}
 */
public final class InterleavedRefreshLatency {
    /** One client's call. */
    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private InterleavedRefreshLatency() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        ApiCredential credential = new ApiCredential("benchmark-credential");
        try (FortiCnpSimulator sim = FortiCnpSimulator.builder().credential(credential)
                        .accessTokenLifetime(Duration.ofMinutes(1)).start();
                FeignTokenRefresher feign = FeignTokenRefresher.builder().baseUrl(sim.baseUrl()).build();
                RetrofitTokenRefresher retrofit = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build()) {
            HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Clock clock = Clock.systemUTC();
            RefreshToken token = feign.login(credential).refreshToken().orElseThrow();
            HttpRequest request = HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/auth/token/refresh"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token="
                            + URLEncoder.encode(token.value(), StandardCharsets.UTF_8)))
                    .build();
            Call[] calls = {
                () -> raw.send(request, HttpResponse.BodyHandlers.ofByteArray()),
                // the same, plus the decoding the adapters do: adapter minus this is their own cost
                () -> TokenAnswers.interpret(TokenCall.REFRESH, 200,
                        raw.send(request, HttpResponse.BodyHandlers.ofByteArray()).body(),
                        HttpRefresherBuilder.DEFAULT_MAX_RESPONSE_BYTES, null, clock),
                () -> feign.refresh(token),
                () -> retrofit.refresh(token),
            };
            long[][] samples = new long[calls.length][n];
            RandomOrder order = new RandomOrder(calls.length, 20261201L);
            for (int round = 0; round < 2; round++) { // the first round is the warm-up
                for (int i = 0; i < n; i++) {
                    for (int k : order.next()) {
                        long t = System.nanoTime();
                        calls[k].run();
                        samples[k][i] = System.nanoTime() - t;
                    }
                }
            }
            String[] names = {"rawHttpClient", "rawDecoded", "feign", "retrofit"};
            for (long[] s : samples) {
                Arrays.sort(s);
            }
            double rawMedian = samples[0][n / 2];
            double rawP99 = samples[0][n * 99 / 100];
            System.out.printf("%-14s %10s %10s %8s %8s%n", "client", "p50 us", "p99 us", "p50 x", "p99 x");
            for (int k = 0; k < calls.length; k++) {
                long p50 = samples[k][n / 2];
                long p99 = samples[k][n * 99 / 100];
                System.out.printf("%-14s %10.1f %10.1f %8.2f %8.2f%n", names[k], p50 / 1000.0, p99 / 1000.0,
                        p50 / rawMedian, p99 / rawP99);
            }
        }
    }
}
