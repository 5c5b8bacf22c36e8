package dev.cnptoken.benchmarks.http;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.common.TokenAnswers;
import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.simulator.FortiCnpSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one Get Refresh Token call against the FortiCNP simulator on loopback (plain HTTP),
 * through each adapter and through a bare JDK {@link HttpClient} sending the same request, all in
 * one run. Sample mode: JMH reports the median ({@code p0.50}) and {@code p0.99} per benchmark.
 *
 * <ul>
 *   <li>{@code rawHttpClient}: the same POST, body read as bytes; the transport floor.
 *   <li>{@code rawHttpClientDecoded}: the same, plus the decoding the adapters do ({@link
 *       TokenAnswers}: strict Jackson and the FortiCNP wire rules), so adapter minus this is the pure
 *       library overhead.
 *   <li>{@code feign}, {@code retrofit}: {@code TokenRefresher.refresh} of each adapter.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class RefreshLatencyBenchmark {
    private static final Clock CLOCK = Clock.systemUTC();

    private FortiCnpSimulator simulator;
    private FeignTokenRefresher feign;
    private RetrofitTokenRefresher retrofit;
    private HttpClient raw;
    private HttpRequest rawRequest;
    private RefreshToken refreshToken;

    @Setup(Level.Trial)
    public void start() {
        ApiCredential credential = new ApiCredential("benchmark-credential");
        // short-lived access tokens let the simulator forget old ones during a long run
        simulator = FortiCnpSimulator.builder().credential(credential).accessTokenLifetime(Duration.ofMinutes(1)).start();
        URI base = simulator.baseUrl();
        feign = FeignTokenRefresher.builder().baseUrl(base).build();
        retrofit = RetrofitTokenRefresher.builder().baseUrl(base).build();
        raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        refreshToken = feign.login(credential).refreshToken().orElseThrow();
        String form = "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(refreshToken.value(), StandardCharsets.UTF_8);
        rawRequest = HttpRequest.newBuilder(base.resolve("/api/v1/auth/token/refresh"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        feign.close();
        retrofit.close();
        simulator.close();
    }

    @Benchmark
    public byte[] rawHttpClient() throws IOException, InterruptedException {
        HttpResponse<byte[]> r = raw.send(rawRequest, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode());
        }
        return r.body();
    }

    @Benchmark
    public TokenGrant rawHttpClientDecoded() throws IOException, InterruptedException {
        // the adapters' own decoding: strict Jackson and the FortiCNP wire rules of adapters-http-common
        return TokenAnswers.interpret(TokenCall.REFRESH, 200, rawHttpClient(),
                HttpRefresherBuilder.DEFAULT_MAX_RESPONSE_BYTES, null, CLOCK);
    }

    @Benchmark
    public TokenGrant feign() {
        return feign.refresh(refreshToken);
    }

    @Benchmark
    public TokenGrant retrofit() {
        return retrofit.refresh(refreshToken);
    }
}
