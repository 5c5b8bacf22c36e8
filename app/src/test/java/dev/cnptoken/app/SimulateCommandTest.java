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
    private static final Pattern PLAIN_BASE_URL = Pattern.compile("FortiCNP simulator on (http://\\S+)");
    private static final Pattern ADMIN_URL = Pattern.compile("admin API on (\\S+) \\(loopback clients only\\)");

    @TempDir
    Path tmp;

    @Test
    void helpListsTheOptionsAndExitsZero() {
        try (ChildCli help = ChildCli.start(tmp, Map.of(), null, "simulate", "--help").expectExit(0, TIMEOUT)) {
            assertThat(help.stdout()).contains("--port", "--https", "--credential-file", "--rotate-refresh-tokens",
                    "--admin", "--company", "--role-id");
            assertThat(help.stdout()).as("the footer's curl examples")
                    .contains("Admin API", "curl $S/counters", "/revoke/access-token -d @-", "\"retryAfter\":\"1\"");
            assertThat(help.stdout()).doesNotContain("DEBUG");
            assertThat(help.stderr()).doesNotContain("DEBUG");
        }
    }

    @Test
    void servesTheAdminApiToLoopbackClientsAndTheDataCallsItsResourceMapNames() throws Exception {
        Path credentialFile = tmp.resolve("credential.txt");
        try (ChildCli sim = ChildCli.start(tmp, Map.of(), null, "simulate", "--port", "0",
                "--credential-file", credentialFile.toString(), "--company", "7001=Acme", "--role-id", "42")) {
            URI base = URI.create(awaitStdout(sim, PLAIN_BASE_URL).group(1));
            URI admin = URI.create(awaitStdout(sim, ADMIN_URL).group(1));
            assertThat(admin).isEqualTo(base.resolve("/_sim/"));
            String credential = Files.readString(credentialFile, StandardCharsets.UTF_8).strip();
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

            HttpResponse<String> queued = http.send(HttpRequest.newBuilder(admin.resolve("faults"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"endpoint\":\"login\",\"type\":\"empty-body\",\"status\":503,\"retryAfter\":\"1\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
            HttpRequest login = HttpRequest.newBuilder(base.resolve("/api/v1/auth/credentials/token/"))
                    .header("Authorization", "Basic " + credential)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
            assertThat(http.send(login, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            String body = http.send(login, HttpResponse.BodyHandlers.ofString()).body();
            String access = body.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");

            HttpResponse<String> findings = http.send(HttpRequest.newBuilder(base.resolve("/api/v2/finding/list"))
                    .header("Authorization", "Bearer " + access).header("companyId", "7001").header("roleId", "42")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"limit\":2}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(findings.statusCode()).as(findings.body()).isEqualTo(200);
            String counters = http.send(HttpRequest.newBuilder(admin.resolve("counters")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(counters).contains("\"LOGIN\":{", "\"503\":1", "\"FINDING_LIST\":{");

            sim.terminate();
            sim.waitFor(TIMEOUT);
            assertThat(sim.stdout() + sim.stderr()).doesNotContain("DEBUG").doesNotContain(credential).doesNotContain(access);
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
