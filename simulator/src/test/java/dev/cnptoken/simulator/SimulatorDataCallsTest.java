package dev.cnptoken.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The data calls: the resource map and the finding list, with their 401, 403 and 200 answers. */
class SimulatorDataCallsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SteppingClock clock = SteppingClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    private final ApiCredential credential = new ApiCredential("c492a2c2-b542-46fa-9894-d56d287bab1f");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FortiCnpSimulator sim;
    private String access;

    @BeforeEach
    void start() throws Exception {
        sim = FortiCnpSimulator.builder().clock(clock).credential(credential)
                .company(7001, "Acme").company(7002, "Acme EU").roleId(42).username("soar-bot")
                .start();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/auth/credentials/token/"))
                .header("Authorization", "Basic " + credential.value())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("grant_type=client_credentials")).build(), BodyHandlers.ofString());
        access = MAPPER.readTree(login.body()).get("access_token").asText();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void theResourceMapListsTheConfiguredCompaniesRoleAndUser() throws Exception {
        HttpResponse<String> r = resourceMap("Bearer " + access);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode map = MAPPER.readTree(r.body());
        assertThat(map.isArray()).isTrue();
        assertThat(map).hasSize(1);
        JsonNode entry = map.get(0);
        assertThat(entry.get("resourceURL").asText()).isEqualTo(sim.baseUrl().toString());
        assertThat(entry.get("roleId").asLong()).isEqualTo(42);
        assertThat(entry.get("username").asText()).isEqualTo("soar-bot");
        assertThat(entry.get("companyMapSet").toString())
                .isEqualTo("[{\"companyId\":7001,\"companyName\":\"Acme\"},{\"companyId\":7002,\"companyName\":\"Acme EU\"}]");
    }

    @Test
    void theResourceMapHasOneDefaultCompanyUnlessConfigured() throws Exception {
        try (FortiCnpSimulator plain = FortiCnpSimulator.builder().credential(credential).start()) {
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(plain.baseUrl().resolve("/api/v1/auth/credentials/token"))
                    .header("Authorization", "Basic " + credential.value())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString("grant_type=client_credentials")).build(), BodyHandlers.ofString());
            String token = MAPPER.readTree(login.body()).get("access_token").asText();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(plain.baseUrl().resolve("/api/v1/resourceURLMap"))
                    .header("Authorization", "Bearer " + token).build(), BodyHandlers.ofString());

            JsonNode entry = MAPPER.readTree(r.body()).get(0);
            assertThat(entry.get("roleId").asLong()).isEqualTo(FortiCnpSimulator.DEFAULT_ROLE_ID);
            assertThat(entry.get("companyMapSet")).hasSize(1);
            assertThat(entry.get("companyMapSet").get(0).get("companyId").asLong()).isEqualTo(FortiCnpSimulator.DEFAULT_COMPANY_ID);
        }
    }

    @Test
    void theFindingListAnswersAPageForALiveTokenAndTheContextOfTheResourceMap() throws Exception {
        HttpResponse<String> r = findings("Bearer " + access, context("7002", "42"), "{\"skip\":1,\"limit\":2}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode page = MAPPER.readTree(r.body());
        assertThat(page.get("total").asInt()).isEqualTo(DataEndpoints.FINDINGS_PER_COMPANY);
        assertThat(page.get("skip").asInt()).isEqualTo(1);
        assertThat(page.get("limit").asInt()).isEqualTo(2);
        assertThat(page.get("data")).hasSize(2);
        assertThat(page.get("data").get(0).get("id").asText()).isEqualTo("finding-7002-2");
        assertThat(page.get("data").get(0).get("companyId").asLong()).isEqualTo(7002);

        JsonNode all = MAPPER.readTree(findings("Bearer " + access, context("7001", "42"), "{}").body());
        assertThat(all.get("data")).hasSize(DataEndpoints.FINDINGS_PER_COMPANY);
        JsonNode past = MAPPER.readTree(findings("Bearer " + access, context("7001", "42"), "{\"skip\":10,\"limit\":5}").body());
        assertThat(past.get("data")).isEmpty();
        assertThat(sim.grantCount(Endpoint.FINDING_LIST)).isEqualTo(3);
    }

    @Test
    void theFindingListAnswers401WithoutALiveToken() throws Exception {
        Map<String, String> ok = context("7001", "42");

        assertOauthError(findings(null, ok, "{}"), 401, "invalid_token");
        assertOauthError(findings("Bearer nope", ok, "{}"), 401, "invalid_token");
        assertOauthError(findings("Basic " + credential.value(), ok, "{}"), 401, "invalid_token");

        sim.revokeAccessToken(new AccessToken(access));
        assertOauthError(findings("Bearer " + access, ok, "{}"), 401, "invalid_token");
    }

    @Test
    void theFindingListAnswers401ForAnExpiredTokenBeforeLookingAtTheContext() throws Exception {
        clock.advance(FortiCnpSimulator.DEFAULT_ACCESS_TOKEN_LIFETIME);

        HttpResponse<String> r = findings("Bearer " + access, Map.of(), "{}");

        assertOauthError(r, 401, "invalid_token");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void theFindingListAnswers403WithoutOrWithTheWrongContextHeaders() throws Exception {
        String bearer = "Bearer " + access;

        assertOauthError(findings(bearer, Map.of(), "{}"), 403, "forbidden");
        assertOauthError(findings(bearer, Map.of("roleId", "42"), "{}"), 403, "forbidden");
        assertOauthError(findings(bearer, Map.of("companyId", "7001"), "{}"), 403, "forbidden");
        assertOauthError(findings(bearer, context("9999", "42"), "{}"), 403, "forbidden");
        assertOauthError(findings(bearer, context("7001", "43"), "{}"), 403, "forbidden");
        assertOauthError(findings(bearer, context("acme", "42"), "{}"), 403, "forbidden");
        assertThat(sim.requestCount(Endpoint.FINDING_LIST, 403)).isEqualTo(6);
        assertThat(sim.grantCount(Endpoint.FINDING_LIST)).isZero();
    }

    @Test
    void theFindingListTakesTheContextHeadersInAnyCase() throws Exception {
        HttpResponse<String> r = findings("Bearer " + access, Map.of("companyid", "7001", "ROLEID", "42"), "{}");

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void theFindingListRefusesABadBodyWithATypedError() throws Exception {
        Map<String, String> ok = context("7001", "42");
        String bearer = "Bearer " + access;

        assertOauthError(findings(bearer, ok, "{\"skip\":"), 400, "invalid_request");
        assertOauthError(findings(bearer, ok, "[1,2]"), 400, "invalid_request");
        assertOauthError(findings(bearer, ok, "{\"skip\":-1}"), 400, "invalid_request");
        assertOauthError(findings(bearer, ok, "{\"limit\":0}"), 400, "invalid_request");
        assertOauthError(findings(bearer, ok, "{\"limit\":\"ten\"}"), 400, "invalid_request");
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v2/finding/list"))
                .header("Authorization", bearer).header("companyId", "7001").header("roleId", "42")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(BodyPublishers.ofString("skip=0")).build(),
                BodyHandlers.ofString());
        assertOauthError(form, 415, "invalid_request");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v2/finding/list"))
                .header("Authorization", bearer).GET().build(), BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void countsTheDataCallsByOutcome() throws Exception {
        resourceMap("Bearer " + access);
        resourceMap("Bearer nope");
        findings("Bearer " + access, context("7001", "42"), "{}");
        findings("Bearer nope", context("7001", "42"), "{}");
        findings("Bearer " + access, Map.of(), "{}");

        assertThat(sim.requestCount(Endpoint.RESOURCE_URL_MAP)).isEqualTo(2);
        assertThat(sim.statusCounts(Endpoint.RESOURCE_URL_MAP)).containsExactly(Map.entry(200, 1L), Map.entry(401, 1L));
        assertThat(sim.requestCount(Endpoint.FINDING_LIST)).isEqualTo(3);
        assertThat(sim.statusCounts(Endpoint.FINDING_LIST))
                .containsExactly(Map.entry(200, 1L), Map.entry(401, 1L), Map.entry(403, 1L));
    }

    @Test
    void faultsApplyToDataCallsToo() throws Exception {
        sim.injectFault(Endpoint.FINDING_LIST, FortiCnpFault.emptyBody(503).withRetryAfter("1"), 2);

        assertThat(findings("Bearer " + access, context("7001", "42"), "{}").statusCode()).isEqualTo(503);
        assertThat(findings("Bearer " + access, context("7001", "42"), "{}").statusCode()).isEqualTo(503);
        assertThat(findings("Bearer " + access, context("7001", "42"), "{}").statusCode()).isEqualTo(200);
    }

    private static Map<String, String> context(String companyId, String roleId) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("companyId", companyId);
        h.put("roleId", roleId);
        return h;
    }

    private HttpResponse<String> resourceMap(String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/resourceURLMap"))
                .header("Authorization", authorization).header("Content-Type", "application/json").GET().build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> findings(String authorization, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v2/finding/list"))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        headers.forEach(b::header);
        return http.send(b.build(), BodyHandlers.ofString());
    }

    private static void assertOauthError(HttpResponse<String> r, int status, String error) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(MAPPER.readTree(r.body()).get("error").asText()).isEqualTo(error);
    }
}
