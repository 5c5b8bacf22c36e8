package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.Sentinels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnp-token api} against the FortiCNP simulator: as a real process for the calls that reach
 * it, in-process for the command lines it refuses before anything is sent.
 */
class ApiCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final ApiCredential credential = Sentinels.credential();
    private final List<ChildCli> children = new ArrayList<>();
    private FortiCnpSimulator sim;

    @BeforeEach
    void startSimulator() {
        sim = FortiCnpSimulator.builder().port(0).credential(credential).start();
    }

    @AfterEach
    void stop() {
        children.forEach(ChildCli::close);
        sim.close();
    }

    @Test
    void getPrintsTheBodyAndPostSendsStandardInputWithTheContextHeaders() throws Exception {
        ChildCli get = api(null, "api", "--account", "acme", "--include", "/api/v1/resourceURLMap").expectExit(0, TIMEOUT);
        assertThat(get.stdout()).contains(Long.toString(FortiCnpSimulator.DEFAULT_COMPANY_ID)).doesNotContain("HTTP/1.1");
        assertThat(get.stderr()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: application/json");
        assertThat(sim.requestCount(Endpoint.RESOURCE_URL_MAP)).as("the map itself is fetched once, without a context").isEqualTo(1);

        ChildCli post = api("{\"skip\":0,\"limit\":2}", "api", "--account", "acme", "--data", "-", "/api/v2/finding/list")
                .expectExit(0, TIMEOUT);
        assertThat(post.stdout()).contains("\"limit\"");
        FortiCnpSimulator.RecordedRequest sent = sim.lastRequest(Endpoint.FINDING_LIST).orElseThrow();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.body()).isEqualTo("{\"skip\":0,\"limit\":2}");
        assertThat(sent.header("companyId")).contains(Long.toString(FortiCnpSimulator.DEFAULT_COMPANY_ID));
        assertThat(sent.header("roleId")).contains(Long.toString(FortiCnpSimulator.DEFAULT_ROLE_ID));
        assertThat(sim.grantCount(Endpoint.LOGIN)).as("the second process serves the stored token").isEqualTo(1);
        assertNoSecret(get, post);
    }

    @Test
    void aRevokedTokenCostsExactlyOneRefreshAndTheRetriedCallSucceeds() throws Exception {
        api(null, "api", "--account", "acme", "/api/v1/resourceURLMap").expectExit(0, TIMEOUT);
        sim.revokeAllAccessTokens();

        ChildCli again = api(null, "api", "--account", "acme", "/api/v1/resourceURLMap").expectExit(0, TIMEOUT);
        assertThat(again.stdout()).contains(Long.toString(FortiCnpSimulator.DEFAULT_COMPANY_ID));
        assertThat(sim.grantCount(Endpoint.REFRESH)).isEqualTo(1);
        assertThat(sim.requestCount(Endpoint.RESOURCE_URL_MAP, 401)).isEqualTo(1);
        assertNoSecret(again);
    }

    @Test
    void anErrorAnswerExitsSevenAndStillPrintsItsBody() throws Exception {
        ChildCli missing = api(null, "api", "--account", "acme", "/api/v1/no-such-call").expectExit(7, TIMEOUT);
        assertThat(missing.stdout()).contains("not found");
        assertThat(missing.stderr()).contains("FortiCNP answered HTTP 404");
        ChildCli refused = api(null, "api", "--account", "acme", "-X", "DELETE", "/api/v1/resourceURLMap").expectExit(7, TIMEOUT);
        assertThat(refused.stderr()).contains("HTTP 405");
        assertNoSecret(missing, refused);
    }

    @Test
    void aFullUrlIsRefusedWithExitTwoAndNothingIsSent() throws Exception {
        ChildCli url = api(null, "api", "--account", "acme", "http://evil.example/api/v1/resourceURLMap").expectExit(2, TIMEOUT);
        assertThat(url.stderr()).contains("not a URL").doesNotContain("evil.example");
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void commandLinesThatCouldMisdirectOrCarryASecretAreUsageErrors() {
        CliRunner cli = new CliRunner()
                .env("CNP_BASE_URL", sim.baseUrl().toString())
                .env("CNP_STORE", "memory")
                .env("CNP_CREDENTIAL", credential.value());
        String secret = Sentinels.secret("header");
        List<List<String>> refused = List.of(
                List.of("//evil.example/api/v1/resourceURLMap"),
                List.of("api/v1/resourceURLMap"),
                List.of("/api/v1/auth/token/refresh"),
                List.of("-H", "Authorization: Bearer " + secret, "/api/v1/resourceURLMap"),
                List.of("-H", "X-Forward: bearer " + secret, "/api/v1/resourceURLMap"),
                List.of("-H", "companyId: 5", "/api/v2/finding/list"),
                List.of("--data", "{\"inline\":1}", "/api/v2/finding/list"));
        for (List<String> args : refused) {
            List<String> line = new ArrayList<>(List.of("api", "--account", "acme"));
            line.addAll(args);
            CliRunner.Result r = cli.run(line.toArray(String[]::new));
            assertThat(r.exit()).as("%s%n%s", args, r.err()).isEqualTo(2);
            CliRunner.Result.assertNoSecret(r.out() + r.err(), List.of(secret, credential.value()));
        }
        assertThat(sim.requests()).as("nothing is sent for a refused command line").isEmpty();
    }

    @Test
    void severalCompaniesNeedCompanyByIdOrName() {
        sim.close();
        sim = FortiCnpSimulator.builder().port(0).credential(credential).company(11, "Acme").company(22, "Globex").start();
        CliRunner cli = new CliRunner()
                .env("CNP_BASE_URL", sim.baseUrl().toString())
                .env("CNP_STORE", "memory")
                .env("CNP_CREDENTIAL", credential.value());
        String body = "{\"skip\":0,\"limit\":1}";
        assertThat(cli.runWithInput(body, "api", "--account", "acme", "--data", "-", "/api/v2/finding/list").exit()).isEqualTo(3);
        CliRunner.Result byName = cli.runWithInput(body, "api", "--account", "acme", "--company", "Globex", "--data", "-",
                "/api/v2/finding/list");
        assertThat(byName.exit()).as(byName.err()).isZero();
        assertThat(sim.lastRequest(Endpoint.FINDING_LIST).orElseThrow().header("companyId")).contains("22");
        CliRunner.Result byId = cli.runWithInput(body, "api", "--account", "acme", "--company", "11", "--data", "-",
                "/api/v2/finding/list");
        assertThat(byId.exit()).as(byId.err()).isZero();
        assertThat(sim.lastRequest(Endpoint.FINDING_LIST).orElseThrow().header("companyId")).contains("11");
    }

    private ChildCli api(String stdin, String... args) throws Exception {
        Map<String, String> env = Map.of(
                "CNP_BASE_URL", sim.baseUrl().toString(),
                "CNP_STORE", "file",
                "CNP_FILE_DIR", tmp.resolve("store").toString(),
                "CNP_CREDENTIAL", credential.value());
        ChildCli child = ChildCli.start(tmp, env, stdin, args);
        children.add(child);
        return child;
    }

    private void assertNoSecret(ChildCli... runs) {
        List<String> secrets = new ArrayList<>(sim.issuedSecrets());
        secrets.add(credential.value());
        for (ChildCli run : runs) {
            ChildCli.assertNoSecret(run.name() + " stdout", run.stdout(), secrets);
            ChildCli.assertNoSecret(run.name() + " stderr", run.stderr(), secrets);
        }
    }
}
