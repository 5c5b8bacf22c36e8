package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnptoken.adapters.store.file.FileTokenStore;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code cnp-token} as operators run it: a real JVM per command, configured only through the
 * environment, talking to a FortiCNP simulator on loopback and keeping its state in a file store.
 */
class ProcessEndToEndTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** A JWT as the simulator issues them: three base64url parts, the header starting {"alg". */
    private static final Pattern JWT_SHAPE = Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{20,}");
    /** A refresh token as the simulator issues them: 48 random bytes, base64url, standing alone. */
    private static final Pattern REFRESH_SHAPE = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{64}(?![A-Za-z0-9_-])");
    /** The demo's simulator credential: "demo-" and a random UUID. */
    private static final Pattern DEMO_CREDENTIAL_SHAPE = Pattern.compile("demo-[0-9a-f]{8}-[0-9a-f]{4}-");

    @TempDir
    Path tmp;

    private final List<ChildCli> children = new ArrayList<>();
    private FortiCnpSimulator sim;

    @AfterEach
    void stopEverything() {
        children.forEach(ChildCli::close);
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void demoRunsOfflineTellsEachStepAndPrintsNoSecret() throws Exception {
        ChildCli demo = run(Map.of(), null, "demo", "--keep").expectExit(0, COMMAND_TIMEOUT);
        String out = demo.stdout();
        assertThat(out).contains("cnp-token demo: offline, against a FortiCNP simulator on http://127.0.0.1:")
                .contains("1. Log in with the API credential")
                .contains("2. Serve it from memory")
                .contains("3. 26 minutes later")
                .contains("4. FortiCNP answers 503")
                .contains("5. Fast-forward 9 hours")
                .contains("tokens served that FortiCNP no longer accepted: 0")
                .contains("6. Smoke check")
                .contains("HTTP 200")
                .contains("[redacted]")
                .contains("Done: ");

        // --keep leaves the store behind: the very secrets the demo held must not be in its output.
        Matcher dir = Pattern.compile("file store in (\\S+)").matcher(out);
        assertThat(dir.find()).as("the demo names its store directory").isTrue();
        Path storeDir = Path.of(dir.group(1));
        try {
            JsonNode stored = new ObjectMapper().readTree(Files.readString(storeDir.resolve("demo.json")));
            Set<String> secrets = new HashSet<>();
            collectSecrets(stored, secrets);
            assertThat(secrets).as("the kept store holds an access token, a refresh token and the credential").hasSizeGreaterThanOrEqualTo(3);
            ChildCli.assertNoSecret("demo stdout", out, secrets);
            ChildCli.assertNoSecret("demo stderr", demo.stderr(), secrets);
        } finally {
            deleteTree(storeDir);
        }
        // ...nor any earlier token or the credential, recognised by their shape.
        for (Pattern shape : List.of(JWT_SHAPE, REFRESH_SHAPE, DEMO_CREDENTIAL_SHAPE)) {
            assertThat(shape.matcher(out).find()).as("stdout holds something shaped like %s", shape).isFalse();
            assertThat(shape.matcher(demo.stderr()).find()).as("stderr holds something shaped like %s", shape).isFalse();
        }
    }

    @ParameterizedTest(name = "transport {0}, {1} logs")
    @CsvSource({"feign, text", "retrofit, json"})
    void loginRotateTokenAndStatusWorkAsRealProcessesWithoutLeakingSecrets(String transport, String logFormat) throws Exception {
        ApiCredential credential = Sentinels.credential();
        sim = FortiCnpSimulator.builder().port(0).credential(credential).start();
        Path storeDir = tmp.resolve("store");
        Map<String, String> env = Map.of(
                "CNP_BASE_URL", sim.baseUrl().toString(),
                "CNP_TRANSPORT", transport,
                "CNP_STORE", "file",
                "CNP_FILE_DIR", storeDir.toString(),
                "CNP_LOG_FORMAT", logFormat);
        AccountId acme = AccountId.of("acme");

        ChildCli login = run(env, credential.value() + "\n", "login", "--account", "acme", "--credential-stdin")
                .expectExit(0, COMMAND_TIMEOUT);
        assertThat(login.stdout()).contains("account acme: logged in");
        assertThat(sim.grantCount(Endpoint.LOGIN)).isEqualTo(1);
        assertThat(sim.lastRequest(Endpoint.LOGIN).orElseThrow().header("user-agent")).isPresent();
        AccessToken afterLogin = readStore(storeDir, acme).accessToken();
        assertThat(sim.isLive(afterLogin)).isTrue();

        // --verbose: a successful rotate is quiet on standard error by default (CliConventionsTest); asked, it logs its events.
        ChildCli rotate = run(env, null, "rotate", "--force", "--verbose").expectExit(0, COMMAND_TIMEOUT);
        assertThat(rotate.stdout()).containsPattern("(?m)^acme\\s+refreshed\\s+expires ").contains("rotate: 1 accounts, exit 0");
        assertThat(sim.grantCount(Endpoint.REFRESH)).isEqualTo(1);
        AccessToken afterRotate = readStore(storeDir, acme).accessToken();
        assertThat(afterRotate).isNotEqualTo(afterLogin);

        // token and status only read: run them side by side.
        ChildCli token = run(env, null, "token", "--account", "acme");
        ChildCli status = run(env, null, "status", "--json");
        token.expectExit(0, COMMAND_TIMEOUT);
        status.expectExit(0, COMMAND_TIMEOUT);
        assertThat(token.stdout()).as("token prints one line, the token").matches("[^\\s]+\n");
        AccessToken printed = new AccessToken(token.stdout().strip());
        assertThat(printed).isEqualTo(afterRotate);
        assertThat(sim.isLive(printed)).isTrue();
        HttpResponse<String> smoke = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/resourceURLMap"))
                        .header("Authorization", "Bearer " + token.stdout().strip())
                        .header("Content-Type", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(smoke.statusCode()).as("the printed token works as a bearer token").isEqualTo(200);
        assertThat(sim.grantCount(Endpoint.REFRESH)).as("a fresh token is served as stored").isEqualTo(1);

        JsonNode doc = new ObjectMapper().readTree(status.stdout());
        assertThat(doc.path("accounts")).hasSize(1);
        JsonNode row = doc.path("accounts").get(0);
        assertThat(row.path("account").asText()).isEqualTo("acme");
        assertThat(row.path("state").asText()).isEqualTo("valid");
        assertThat(row.path("access_expires_at").asText()).isEqualTo(readStore(storeDir, acme).accessExpiresAt().toString());
        assertThat(row.path("credential_in_store").asBoolean()).isFalse();

        if (logFormat.equals("json")) {
            for (ChildCli c : List.of(login, rotate, token, status)) {
                c.stderr().lines().filter(l -> !l.isBlank()).forEach(line ->
                        assertThat(line).as("a JSON log line from '%s'", c.name()).startsWith("{").endsWith("}"));
            }
        }
        assertThat(rotate.stderr()).as("rotate --verbose logs what it did").contains("event=refreshed");

        Set<String> secrets = new HashSet<>(sim.issuedSecrets());
        secrets.add(credential.value());
        assertThat(sim.issuedSecrets()).as("login: access and refresh token; refresh: an access token").hasSizeGreaterThanOrEqualTo(3);
        for (ChildCli c : children) {
            if (c != token) {
                ChildCli.assertNoSecret("stdout of '" + c.name() + "'", c.stdout(), secrets);
            }
            ChildCli.assertNoSecret("stderr of '" + c.name() + "'", c.stderr(), secrets);
        }
    }

    @Test
    void aRefusedCredentialEndsTheProcessWithExitFiveAndIsNotEchoed() {
        ApiCredential accepted = Sentinels.credential();
        ApiCredential refused = Sentinels.credential();
        sim = FortiCnpSimulator.builder().port(0).credential(accepted).start();
        Map<String, String> env = Map.of(
                "CNP_BASE_URL", sim.baseUrl().toString(),
                "CNP_STORE", "file",
                "CNP_FILE_DIR", tmp.resolve("store").toString());

        ChildCli login = run(env, refused.value(), "login", "--account", "acme", "--credential-stdin").expectExit(5, COMMAND_TIMEOUT);

        assertThat(login.stderr()).contains("cnp-token: ").containsIgnoringCase("rejected");
        assertThat(sim.requestCount(Endpoint.LOGIN)).isEqualTo(1);
        assertThat(sim.grantCount(Endpoint.LOGIN)).isZero();
        ChildCli.assertNoSecret("stdout", login.stdout(), List.of(refused.value(), accepted.value()));
        ChildCli.assertNoSecret("stderr", login.stderr(), List.of(refused.value(), accepted.value()));
    }

    private ChildCli run(Map<String, String> env, String stdin, String... args) {
        Map<String, String> all = new LinkedHashMap<>(env);
        ChildCli child = ChildCli.start(tmp, all, stdin, args);
        children.add(child);
        return child;
    }

    private static TokenState readStore(Path dir, AccountId account) {
        return FileTokenStore.builder().directory(dir).build().read(account).orElseThrow().state();
    }

    private static void collectSecrets(JsonNode node, Set<String> into) {
        node.properties().forEach(f -> {
            if (List.of("access_token", "refresh_token", "credential").contains(f.getKey()) && f.getValue().isTextual()) {
                into.add(f.getValue().asText());
            } else if (f.getValue().isObject()) {
                collectSecrets(f.getValue(), into);
            }
        });
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
