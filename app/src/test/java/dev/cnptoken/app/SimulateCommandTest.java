package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnp-token simulate}, the one command line of the FortiCNP simulator, as a real process. */
class SimulateCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern BASE_URL = Pattern.compile("FortiCNP simulator on (https://\\S+)");

    @TempDir
    Path tmp;

    @Test
    void helpListsTheOptionsAndExitsZero() {
        try (ChildCli help = ChildCli.start(tmp, Map.of(), null, "simulate", "--help").expectExit(0, TIMEOUT)) {
            assertThat(help.stdout()).contains("--port", "--https", "--credential-file", "--rotate-refresh-tokens");
        }
    }

    @Test
    void servesHttpsWithACertificateItWritesAndPrintsNoDebugLines() throws Exception {
        Path credentialFile = tmp.resolve("credential.txt");
        try (ChildCli sim = ChildCli.start(tmp, Map.of(), null,
                "simulate", "--port", "0", "--https", "--credential-file", credentialFile.toString())) {
            URI base = URI.create(awaitStdout(sim, BASE_URL).group(1));
            String credential = Files.readString(credentialFile, StandardCharsets.UTF_8).strip();
            Path pem = tmp.resolve("simulator-ca.pem");
            awaitStdout(sim, Pattern.compile("try: "));

            HttpResponse<String> login = trusting(pem).send(HttpRequest.newBuilder(base.resolve("/api/v1/auth/credentials/token/"))
                    .header("Authorization", "Basic " + credential)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);

            sim.terminate();
            sim.waitFor(TIMEOUT);
            assertThat(sim.stdout()).doesNotContain("DEBUG").doesNotContain(credential);
            assertThat(sim.stderr()).doesNotContain("DEBUG").doesNotContain(credential);
        }
    }

    @Test
    void holdsBackEveryAnswerByTheLatencyOptionAndSaysSo() throws Exception {
        Path credentialFile = tmp.resolve("credential.txt");
        try (ChildCli sim = ChildCli.start(tmp, Map.of(), null,
                "simulate", "--port", "0", "--latency", "25ms", "--credential-file", credentialFile.toString())) {
            URI base = URI.create(awaitStdout(sim, Pattern.compile("FortiCNP simulator on (http://\\S+)")).group(1));
            awaitStdout(sim, Pattern.compile("every answer held back 25 ms"));
            String credential = Files.readString(credentialFile, StandardCharsets.UTF_8).strip();

            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/v1/auth/credentials/token"))
                    .header("Authorization", "Basic " + credential)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void refusesALatencyThatIsNotADuration() {
        try (ChildCli bad = ChildCli.start(tmp, Map.of(), null, "simulate", "--port", "0", "--latency", "soon")
                .expectExit(2, TIMEOUT)) {
            assertThat(bad.stderr()).contains("--latency: 'soon' is not a duration");
        }
    }

    private static HttpClient trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("simulator", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
    }

    private static Matcher awaitStdout(ChildCli child, Pattern pattern) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(child.stdout());
            if (m.find()) {
                return m;
            }
            assertThat(child.isAlive()).as("simulate ended early; stderr:%n%s", child.stderr()).isTrue();
            ChildCli.pause(50);
        }
        throw new AssertionError("no " + pattern + " on stdout; stderr:\n" + child.stderr());
    }
}
