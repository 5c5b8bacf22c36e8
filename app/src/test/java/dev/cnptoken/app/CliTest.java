package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.Sentinels;
import dev.cnptoken.simulator.SteppingClock;
import dev.cnptoken.testkit.vault.VaultEmulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.embedded.RedisServer;

/**
 * The CLI end to end, in-process: login, rotate, token and status against the FortiCNP simulator, for
 * both transports and with the file store, a real Redis and the Vault emulator; every exit code; no
 * secret in any output or log line.
 */
class CliTest {
    private static RedisServer redis;
    private static int redisPort;

    private final SteppingClock clock = SteppingClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final ApiCredential credential = Sentinels.credential();
    private final List<CliRunner.Result> results = new ArrayList<>();
    private FortiCnpSimulator simulator;
    private VaultEmulator vault;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redis = RedisServer.builder().port(redisPort).setting("bind 127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
        redis.start();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null) {
            redis.stop();
        }
    }

    @BeforeEach
    void startSimulator() {
        simulator = FortiCnpSimulator.builder().clock(clock).port(0).credential(credential).start();
    }

    @AfterEach
    void stopAndScan() {
        simulator.close();
        if (vault != null) {
            vault.close();
        }
        List<String> secrets = new ArrayList<>(simulator.issuedSecrets());
        secrets.add(credential.value());
        for (CliRunner.Result r : results) {
            CliRunner.Result.assertNoSecret(r.err(), secrets);
        }
    }

    private CliRunner cli(String transport, String store) {
        CliRunner cli = new CliRunner().clock(clock)
                .env("CNP_BASE_URL", simulator.baseUrl().toString())
                .env("CNP_TRANSPORT", transport)
                .env("CNP_STORE", store)
                .env("CNP_FILE_DIR", dir.resolve("store").toString());
        switch (store) {
            case "redis" -> cli.env("CNP_REDIS_URL", "redis://127.0.0.1:" + redisPort)
                    .env("CNP_REDIS_KEY_PREFIX", "t" + System.nanoTime());
            case "vault" -> {
                vault = VaultEmulator.start();
                cli.env("CNP_VAULT_ADDR", vault.address()).env("CNP_VAULT_TOKEN", vault.rootToken());
            }
            default -> {
                // the file store needs only the directory
            }
        }
        return cli;
    }

    private CliRunner.Result run(CliRunner cli, String... args) {
        CliRunner.Result r = cli.run(args);
        results.add(r);
        return r;
    }

    private CliRunner.Result runWithInput(CliRunner cli, String stdin, String... args) {
        CliRunner.Result r = cli.runWithInput(stdin, args);
        results.add(r);
        return r;
    }

    static Stream<Arguments> transportsAndStores() {
        List<Arguments> all = new ArrayList<>();
        for (String transport : List.of("feign", "retrofit")) {
            for (String store : List.of("file", "redis", "vault")) {
                all.add(Arguments.of(transport, store));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("transportsAndStores")
    void logsInRotatesServesAndReports(String transport, String store) throws Exception {
        CliRunner cli = cli(transport, store);

        CliRunner.Result login = runWithInput(cli, credential.value() + "\n", "login", "--account", "acme", "--credential-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("account acme: logged in");

        CliRunner.Result notDue = run(cli, "rotate", "--all");
        assertThat(notDue.exit()).as(notDue.err()).isZero();
        assertThat(notDue.out()).containsPattern("acme\\s+not_due");

        CliRunner.Result forced = run(cli, "rotate", "--account", "acme", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).containsPattern("acme\\s+refreshed");
        assertThat(simulator.grantCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(1);

        clock.advance(Duration.ofMinutes(26));
        CliRunner.Result due = run(cli, "rotate");
        assertThat(due.out()).containsPattern("acme\\s+refreshed");

        CliRunner.Result token = cli.run("token", "--account", "acme");
        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(CliRunner.lines(token.out())).hasSize(1);
        assertThat(simulator.isLive(new AccessToken(token.out().strip()))).isTrue();
        results.add(new CliRunner.Result(token.exit(), "", token.err()));

        CliRunner.Result status = run(cli, "status", "--json");
        assertThat(status.exit()).as(status.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(status.out());
        JsonNode acme = doc.get("accounts").get(0);
        assertThat(acme.get("account").asText()).isEqualTo("acme");
        assertThat(acme.get("state").asText()).isEqualTo("valid");
        assertThat(acme.get("refresh_token_age_s").asLong()).isEqualTo(Duration.ofMinutes(26).toSeconds());
        CliRunner.Result.assertNoSecret(status.out(), simulator.issuedSecrets());

        CliRunner.Result text = run(cli, "status");
        assertThat(text.out()).contains("acme").contains("valid");
        CliRunner.Result.assertNoSecret(text.out() + login.out() + forced.out(), simulator.issuedSecrets());
    }

    @Test
    void exitsZeroWhenAllAreFreshAndWithCode2ForBadUsage() {
        CliRunner cli = cli("feign", "file");
        assertThat(run(cli, "rotate", "--frobnicate").exit()).isEqualTo(2);
        assertThat(run(cli, "login").exit()).isEqualTo(2);
        assertThat(run(cli, "rotate", "--due-within", "soon").exit()).isEqualTo(2);
        assertThat(run(cli, "--version").exit()).isZero();
    }

    @Test
    void exitsWith3ForBadConfiguration() throws IOException {
        assertThat(run(cli("grpc", "file"), "rotate").exit()).isEqualTo(3);
        assertThat(run(new CliRunner().env("CNP_STORE", "redis"), "status").exit()).isEqualTo(3);
        Path config = Files.writeString(dir.resolve("c.yaml"), "transprot: feign\n");
        CliRunner.Result unknownKey = run(cli("feign", "file"), "--config", config.toString(), "status");
        assertThat(unknownKey.exit()).isEqualTo(3);
        assertThat(unknownKey.err()).contains("unknown key 'transprot'");
        // an account with no stored state and no credential
        CliRunner.Result notLoggedIn = run(cli("feign", "file"), "token", "--account", "nobody");
        assertThat(notLoggedIn.exit()).isEqualTo(3);
        assertThat(notLoggedIn.err()).contains("nobody").contains("no API credential");
        assertThat(run(cli("feign", "file"), "rotate").exit()).as("no accounts at all").isEqualTo(3);
    }

    @Test
    void exitsWith4WhenFortiCnpFailsTransiently() {
        CliRunner cli = cli("retrofit", "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        // down for longer than the run's budget (1 minute by default) retries for
        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH, FortiCnpFault.answer(503, "text/html", "<html>down</html>"), 100);

        CliRunner.Result r = run(cli, "rotate", "--force");

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).contains("unavailable, HTTP 503").contains("still failing; valid tokens keep being served");
    }

    static Stream<String> transports() {
        return Stream.of("feign", "retrofit");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void rotateRetriesAShortOutageWithinTheRunHonouringRetryAfter(String transport) {
        CliRunner cli = cli(transport, "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH,
                FortiCnpFault.answer(503, "text/plain", "busy").withRetryAfter("1"), 2);

        CliRunner.Result r = run(cli, "rotate", "--force");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("acme\\s+refreshed");
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(3);
        assertThat(cli.sleeps()).hasSize(2).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void rotateGivesUpWithExit4WithoutWaitingARetryAfterLongerThanItsBudget(String transport) {
        CliRunner cli = cli(transport, "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH,
                FortiCnpFault.answer(503, "text/plain", "busy").withRetryAfter("30"), 5);

        CliRunner.Result r = run(cli, "rotate", "--force", "--max-wait", "10s");

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).contains("still failing");
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(1);
        assertThat(cli.sleeps()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void rotateDoesNotRetryAPermanentFailure(String transport) {
        CliRunner cli = cli(transport, "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH, FortiCnpFault.oauthError(400, "invalid_request", "bad request"), 5);

        CliRunner.Result r = run(cli, "rotate", "--force");

        assertThat(r.exit()).isEqualTo(5);
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(1);
        assertThat(cli.sleeps()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void tokenRetriesAShortOutageWhenItMustRefresh(String transport) {
        CliRunner cli = cli(transport, "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        clock.advance(Duration.ofMinutes(31)); // the held token has expired
        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH,
                FortiCnpFault.answer(503, "text/plain", "busy").withRetryAfter("1"), 2);

        CliRunner.Result token = cli.run("token", "--account", "acme");

        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(simulator.isLive(new AccessToken(token.out().strip()))).isTrue();
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(3);
        results.add(new CliRunner.Result(token.exit(), "", token.err()));

        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH,
                FortiCnpFault.answer(503, "text/plain", "busy").withRetryAfter("1"), 100);
        clock.advance(Duration.ofMinutes(31));
        CliRunner.Result down = run(cli, "token", "--account", "acme", "--max-wait", "5s");
        assertThat(down.exit()).isEqualTo(4);
        assertThat(down.out()).isEmpty();
    }

    @Test
    void exitsWith5WhenTheCredentialIsRejected() throws IOException {
        CliRunner cli = cli("feign", "file");
        Path wrong = Files.writeString(dir.resolve("wrong"), Sentinels.secret("wrong-credential"));

        CliRunner.Result r = run(cli, "login", "--account", "acme", "--credential-file", wrong.toString());

        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).contains("rejected: credential");
        CliRunner.Result.assertNoSecret(r.out() + r.err(), List.of(Files.readString(wrong)));
    }

    @Test
    void exitsWith5WhenARefreshTokenIsRejectedAndNoCredentialCanLogInAgain() {
        CliRunner cli = cli("feign", "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        clock.advance(Duration.ofHours(9)); // the refresh token has run out

        CliRunner.Result r = run(cli, "rotate");

        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.out()).contains("no API credential");
        assertThat(r.err()).contains("action=");
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(1);

        // a human must act: status says so, and the next run does not try the dead refresh token again
        assertThat(run(cli, "status").exit()).isEqualTo(5);
        CliRunner.Result again = run(cli, "rotate");
        assertThat(again.exit()).isEqualTo(5);
        assertThat(again.out()).containsPattern("acme\\s+backing_off");
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(1);
    }

    @Test
    void aTooLargeExpirySkewKeepsTheRotatedRefreshTokenAndExitsWith3() {
        simulator.close();
        simulator = FortiCnpSimulator.builder().clock(clock).port(0).credential(credential)
                .accessTokenLifetime(Duration.ofMinutes(4)).rotateRefreshTokens(true).start();
        runWithInput(cli("feign", "file"), credential.value(), "login", "--account", "acme", "--credential-stdin");

        // 4-minute tokens against a 5-minute skew: the refresh is made and its new refresh token must be kept
        CliRunner.Result skewed = run(cli("feign", "file").env("CNP_EXPIRY_SKEW", "5m"), "rotate", "--force");
        assertThat(skewed.exit()).as(skewed.out() + skewed.err()).isEqualTo(3);
        assertThat(skewed.out()).contains("expiry skew");
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH)).isEqualTo(1);

        CliRunner.Result fixed = run(cli("feign", "file"), "rotate", "--force");
        assertThat(fixed.exit()).as(fixed.out() + fixed.err()).isZero();
        assertThat(fixed.out()).containsPattern("acme\\s+refreshed");
    }

    @Test
    void logsInAgainByItselfWhenTheCredentialIsConfigured() {
        CliRunner cli = cli("feign", "file").env("CNP_CREDENTIAL_ACME", credential.value());
        run(cli, "login", "--account", "acme");
        clock.advance(Duration.ofHours(9));

        CliRunner.Result r = run(cli, "rotate");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("acme\\s+logged_in");
    }

    @Test
    void exitsWith6WhenTheStoreIsUnreachable() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRunner cli = cli("feign", "redis").env("CNP_REDIS_URL", "redis://127.0.0.1:" + closed)
                .env("CNP_ACCOUNTS", "acme");

        CliRunner.Result r = run(cli, "rotate");

        assertThat(r.exit()).isEqualTo(6);
        assertThat(r.err()).contains("store unavailable");

        CliRunner.Result named = run(cli, "rotate", "--account", "acme");
        assertThat(named.exit()).isEqualTo(6);
        assertThat(named.out()).containsPattern("acme\\s+failed").contains("store unavailable");
    }

    @Test
    void dryRunSaysWhatItWouldDoAndCallsNothing() {
        CliRunner cli = cli("feign", "file").env("CNP_CREDENTIAL_NEWCO", credential.value());
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        long calls = simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH) + simulator.requestCount(FortiCnpSimulator.Endpoint.LOGIN);

        CliRunner.Result r = run(cli, "rotate", "--dry-run", "--account", "acme", "--account", "newco", "--due-within", "30m");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("acme\\s+would_refresh").containsPattern("newco\\s+would_log_in");
        assertThat(simulator.requestCount(FortiCnpSimulator.Endpoint.REFRESH) + simulator.requestCount(FortiCnpSimulator.Endpoint.LOGIN))
                .isEqualTo(calls);
    }

    @Test
    void doctorSaysWhatIsRightAndWhatIsWrong() {
        CliRunner cli = cli("feign", "file");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");

        CliRunner.Result r = run(cli, "doctor");

        assertThat(r.out()).contains("[ ok ] forticnp").contains("[ ok ] store read").contains("[ ok ] store write")
                .contains("[ ok ] account acme").contains("[warn] credential acme");
        assertThat(r.exit()).as(r.out()).isZero();

        CliRunner.Result down = run(cli("feign", "file").env("CNP_BASE_URL", "http://127.0.0.1:1"), "doctor");
        assertThat(down.out()).contains("[FAIL] forticnp");
        assertThat(down.exit()).isEqualTo(4);
    }

    @Test
    void doctorReportsTheModesOfTheStoreDirectoryAndSecretFilesAndFailsOnWhatOthersCanWrite() throws Exception {
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Path acmeCredential = Files.writeString(credentials.resolve("acme"), credential.value());
        Files.setPosixFilePermissions(acmeCredential, PosixFilePermissions.fromString("rw-r--r--"));
        Path password = Files.writeString(dir.resolve("vault-token"), "SENTINEL-not-used");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        CliRunner cli = cli("feign", "file").env("CNP_CREDENTIAL_DIR", credentials.toString())
                .env("CNP_VAULT_TOKEN_FILE", password.toString());
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        Path store = dir.resolve("store");

        CliRunner.Result r = run(cli, "doctor");

        assertThat(r.out()).contains("[ ok ] file mode: token store directory " + store + " is 0700")
                .contains("[ ok ] file mode: vault token file " + password + " is 0600")
                .containsPattern("\\[warn\\] file mode: credential file " + java.util.regex.Pattern.quote(acmeCredential.toString())
                        + " is mode 0644: .*defaultMode: 0400");
        assertThat(r.exit()).as(r.out()).isZero();

        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(acmeCredential, PosixFilePermissions.fromString("rw-rw-rw-"));
        CliRunner.Result open = run(cli, "doctor");

        assertThat(open.out()).containsPattern("\\[FAIL\\] file mode: token store directory "
                        + java.util.regex.Pattern.quote(store.toString()) + " is mode 0777: .*chmod 700")
                .containsPattern("\\[FAIL\\] file mode: credential file .* is mode 0666")
                .doesNotContain("everything looks right");
        assertThat(open.exit()).isEqualTo(3);
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithoutSecrets() throws Exception {
        CliRunner cli = cli("feign", "file").env("CNP_LOG_FORMAT", "json");
        runWithInput(cli, credential.value(), "login", "--account", "acme", "--credential-stdin");
        simulator.injectFault(FortiCnpSimulator.Endpoint.REFRESH, FortiCnpFault.answer(503, "text/plain", "busy"));

        CliRunner.Result r = run(cli, "rotate", "--force");

        List<String> logLines = CliRunner.lines(r.err()).stream().filter(l -> l.startsWith("{")).toList();
        assertThat(logLines).isNotEmpty();
        ObjectMapper mapper = new ObjectMapper();
        for (String line : logLines) {
            assertThat(mapper.readTree(line).get("level")).as(line).isNotNull();
        }
        assertThat(r.err()).contains("refresh_failed");
    }
}
