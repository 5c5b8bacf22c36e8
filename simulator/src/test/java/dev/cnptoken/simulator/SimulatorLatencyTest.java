package dev.cnptoken.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The latency option: every answer is held back, and requests in flight at once are held back side
 * by side. No test measures time: a latency of an hour never passes during a test, so what is held
 * back is seen by a client's timeout or by the request counter.
 */
class SimulatorLatencyTest {
    private static final Duration AN_HOUR = Duration.ofHours(1);
    private static final String FORM = "application/x-www-form-urlencoded";

    private final ApiCredential credential = new ApiCredential("5f1e0d7c-2b44-4c1a-9a55-0d6f3c2b7e10");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FortiCnpSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void hasNoLatencyUnlessConfigured() {
        sim = FortiCnpSimulator.builder().start();

        assertThat(sim.latency()).isZero();
    }

    @Test
    void answersAsUsualOnceTheLatencyHasPassed() throws Exception {
        sim = FortiCnpSimulator.builder().credential(credential).latency(Duration.ofMillis(20)).start();

        HttpResponse<String> r = http.send(login().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"access_token\"");
        assertThat(sim.latency()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void holdsBackTheAnswerByTheLatency() {
        sim = FortiCnpSimulator.builder().credential(credential).latency(AN_HOUR).start();

        assertThatThrownBy(() -> http.send(login().timeout(Duration.ofMillis(300)).build(), BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.requestCount(Endpoint.LOGIN)).isEqualTo(1);
        assertThat(sim.grantCount(Endpoint.LOGIN)).isZero();
    }

    @Test
    void holdsBackManyRequestsSideBySideNotOneAfterAnother() throws Exception {
        sim = FortiCnpSimulator.builder().credential(credential).latency(AN_HOUR).start();
        int inFlight = 48;

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            answers.add(http.sendAsync(login().build(), BodyHandlers.ofString()));
        }

        // Each request is counted as it enters the hook, before it is held back: were held-back
        // requests queued behind each other, the count would stop at the first. The deadline is
        // only there so that a failure ends; it measures nothing.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sim.requestCount(Endpoint.LOGIN) < inFlight && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sim.requestCount(Endpoint.LOGIN)).isEqualTo(inFlight);
        assertThat(answers).noneMatch(CompletableFuture::isDone);
        assertThat(sim.grantCount(Endpoint.LOGIN)).isZero();
    }

    @Test
    void refusesANegativeLatency() {
        assertThatThrownBy(() -> FortiCnpSimulator.builder().latency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency must not be negative");
    }

    private HttpRequest.Builder login() {
        return HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/auth/credentials/token"))
                .header("Content-Type", FORM)
                .header("Authorization", "Basic " + credential.value())
                .POST(BodyPublishers.ofString("grant_type=client_credentials"));
    }
}
