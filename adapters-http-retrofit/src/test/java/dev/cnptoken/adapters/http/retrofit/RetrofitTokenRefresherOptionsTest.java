package dev.cnptoken.adapters.http.retrofit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.testkit.FortiCnpSimulator;
import dev.cnptoken.testkit.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.FortiCnpSimulator.RecordedRequest;
import dev.cnptoken.testkit.Sentinels;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builder options of {@link RetrofitTokenRefresher}: checks, TLS trust, proxy, User-Agent, lifecycle. */
class RetrofitTokenRefresherOptionsTest {
    private final ApiCredential credential = Sentinels.credential();
    private FortiCnpSimulator sim;
    private RetrofitTokenRefresher refresher;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (refresher != null) {
            refresher.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void requiresABaseUrl() {
        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("baseUrl is required");
        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().baseUrl((URI) null)).hasMessage("baseUrl == null");
    }

    @Test
    void offersPresetsForTheKnownFortiCnpHosts() {
        assertThat(RetrofitTokenRefresher.GLOBAL_BASE_URL).hasToString("https://www.forticnp.com");
        assertThat(RetrofitTokenRefresher.EU_BASE_URL).hasToString("https://eu.forticnp.com");
        try (RetrofitTokenRefresher eu = RetrofitTokenRefresher.builder().baseUrl(RetrofitTokenRefresher.EU_BASE_URL).build()) {
            assertThat(eu.toString()).contains("https://eu.forticnp.com", "JVM default trust");
        }
    }

    @Test
    void refusesPlainHttpToAHostThatIsNotLoopbackUnlessAllowed() {
        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().baseUrl("http://www.forticnp.com").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().baseUrl("http://127.example.com").build())
                .isInstanceOf(IllegalArgumentException.class);
        RetrofitTokenRefresher.builder().baseUrl("http://www.forticnp.com").allowPlainHttp(true).build().close();
        for (String loopback : new String[] {"http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "http://127.1.2.3"}) {
            RetrofitTokenRefresher.builder().baseUrl(loopback).build().close();
        }
    }

    @Test
    void refusesMalformedBaseUrlsWithoutEchoingUserInfo() {
        String secret = Sentinels.secret("userinfo");
        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().baseUrl("https://api:" + secret + "@www.forticnp.com").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user info")
                .hasMessageNotContaining(secret);
        for (String bad : new String[] {"ftp://x", "www.forticnp.com", "https://h/?q=1", "https://h/#f", "https:///path", "ht tp://x"}) {
            assertThatThrownBy(() -> RetrofitTokenRefresher.builder().baseUrl(bad).build()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void checksEveryOptionWithAClearMessage() {
        RetrofitTokenRefresher.Builder b = RetrofitTokenRefresher.builder();
        assertThatThrownBy(() -> b.connectTimeout(null)).hasMessage("connectTimeout == null");
        assertThatThrownBy(() -> b.readTimeout(Duration.ZERO)).hasMessage("readTimeout must be positive");
        assertThatThrownBy(() -> b.maxResponseBytes(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.userAgent(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.userAgent("a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.proxy("proxy", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.clock(null)).hasMessage("clock == null");
        assertThatThrownBy(() -> b.trustedCertificates(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
        b.trustStore(FortiCnpSimulator.trustStore());
        assertThatThrownBy(() -> b.trustStore(FortiCnpSimulator.trustStore()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    }

    @Test
    void refusesAPemFileWithoutCertificates() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");

        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().trustedCertificates(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.pem");
    }

    @Test
    void trustsTheSimulatorThroughATrustStoreFile() throws Exception {
        sim = FortiCnpSimulator.builder().credential(credential).https(true).start();
        char[] password = "store-pass".toCharArray();
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            FortiCnpSimulator.trustStore().store(out, password);
        }
        refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).trustStore(store, password).build();

        assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().trustStore(store, "wrong-pass".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trust.p12")
                .hasMessageNotContaining("wrong-pass");
    }

    @Test
    void trustsTheSimulatorThroughALoadedKeyStore() {
        sim = FortiCnpSimulator.builder().credential(credential).https(true).start();
        refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).trustStore(FortiCnpSimulator.trustStore()).build();

        assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
    }

    @Test
    void refusesAnEmptyTrustStore() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);

        assertThatThrownBy(() -> RetrofitTokenRefresher.builder().trustStore(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificate");
    }

    @Test
    void sendsRequestsThroughTheConfiguredProxy() {
        // the simulator plays the proxy: it records the absolute URL a client sends to a proxy
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = RetrofitTokenRefresher.builder()
                .baseUrl("http://localhost:9")
                .proxy(new InetSocketAddress("127.0.0.1", sim.port()))
                .build();

        assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
        RecordedRequest sent = sim.lastRequest(Endpoint.LOGIN).orElseThrow();
        assertThat(sent.viaProxy()).isTrue();
        assertThat(sent.target()).isEqualTo("http://localhost:9/api/v1/auth/credentials/token/");
        assertThat(refresher.toString()).contains("proxy 127.0.0.1:" + sim.port());
    }

    @Test
    void namesTheProjectAndVersionInTheUserAgentUnlessReplaced() {
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build();
        refresher.login(credential);
        assertThat(sim.lastRequest(Endpoint.LOGIN).orElseThrow().header("User-Agent"))
                .hasValueSatisfying(ua -> assertThat(ua).matches("cnp-token/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(retrofit\\)"));

        try (RetrofitTokenRefresher custom = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).userAgent("my-job/2").build()) {
            custom.login(credential);
        }
        assertThat(sim.lastRequest(Endpoint.LOGIN).orElseThrow().header("User-Agent")).contains("my-job/2");
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() {
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl() + "/gateway/forticnp/").build();

        assertThatThrownBy(() -> refresher.login(credential)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isInstanceOf(Failure.Rejected.class).extracting(Failure::describe)
                        .asString().contains("HTTP 404"));
        assertThat(sim.requests()).singleElement()
                .extracting(RecordedRequest::path).isEqualTo("/gateway/forticnp/api/v1/auth/credentials/token/");
    }

    @Test
    void refusesCallsOnceClosed() {
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build();
        refresher.login(credential);

        refresher.close();
        refresher.close();

        assertThatThrownBy(() -> refresher.login(credential))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(refresher.toString()).contains("closed");
    }
}
