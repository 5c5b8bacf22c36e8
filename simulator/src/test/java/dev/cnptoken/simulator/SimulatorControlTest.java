package dev.cnptoken.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.simulator.FortiCnpSimulator.AdminAccess;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Controlling a running simulator, through Java and through the admin HTTP API: revoking each kind
 * of secret, faults for the next N calls, the counters, and who may reach the admin API.
 */
class SimulatorControlTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";

    private final SteppingClock clock = SteppingClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    private final ApiCredential credential = new ApiCredential("c492a2c2-b542-46fa-9894-d56d287bab1f");
    private final ApiCredential other = new ApiCredential("0f6c1b8e-1111-4a2b-9c3d-2e4f5a6b7c8d");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FortiCnpSimulator sim;

    @BeforeEach
    void start() {
        sim = FortiCnpSimulator.builder().clock(clock).credential(credential).credential(other).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    // ---- revoking ------------------------------------------------------------------------------

    @Test
    void aRevokedAccessTokenGets401OnDataCallsWhileOthersStillWork() throws Exception {
        Tokens first = login(credential);
        Tokens second = login(credential);

        JsonNode answer = admin("POST", "revoke/access-token", "{\"token\":\"" + first.access + "\"}");

        assertThat(answer.get("revoked").asInt()).isEqualTo(1);
        assertThat(resourceMap(first.access).statusCode()).isEqualTo(401);
        assertThat(resourceMap(second.access).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "revoke/access-token", "{\"token\":\"" + first.access + "\"}").get("revoked").asInt())
                .as("revoking twice").isZero();
    }

    @Test
    void revokingAllAccessTokensRefusesEveryOneButLeavesRefreshTokensUsable() throws Exception {
        Tokens a = login(credential);
        Tokens b = login(other);

        assertThat(admin("POST", "revoke/access-tokens", "").get("revoked").asInt()).isEqualTo(2);

        assertThat(resourceMap(a.access).statusCode()).isEqualTo(401);
        assertThat(resourceMap(b.access).statusCode()).isEqualTo(401);
        HttpResponse<String> refreshed = refresh(a.refresh);
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(resourceMap(MAPPER.readTree(refreshed.body()).get("access_token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedRefreshTokenGetsInvalidGrantOnRefresh() throws Exception {
        Tokens a = login(credential);
        Tokens b = login(credential);

        assertThat(admin("POST", "revoke/refresh-token", "{\"token\":\"" + a.refresh + "\"}").get("revoked").asInt()).isEqualTo(1);

        assertOauthError(refresh(a.refresh), 400, "invalid_grant");
        assertThat(refresh(b.refresh).statusCode()).isEqualTo(200);
        assertThat(resourceMap(a.access).statusCode()).as("its access token stays valid").isEqualTo(200);
    }

    @Test
    void revokingAllRefreshTokensRefusesEveryRefreshUntilTheNextLogin() throws Exception {
        Tokens a = login(credential);
        Tokens b = login(other);

        assertThat(admin("POST", "revoke/refresh-tokens", "").get("revoked").asInt()).isEqualTo(2);

        assertOauthError(refresh(a.refresh), 400, "invalid_grant");
        assertOauthError(refresh(b.refresh), 400, "invalid_grant");
        assertThat(refresh(login(credential).refresh).statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedCredentialGets401OnLoginAndTheOtherStillLogsIn() throws Exception {
        Tokens before = login(credential);

        assertThat(admin("POST", "revoke/credential", "{\"credential\":\"" + credential.value() + "\"}").get("revoked").asInt())
                .isEqualTo(1);

        assertOauthError(loginCall(credential), 401, "invalid_client");
        assertThat(loginCall(other).statusCode()).isEqualTo(200);
        assertThat(resourceMap(before.access).statusCode()).as("tokens already issued stay valid").isEqualTo(200);
    }

    @Test
    void revokingAllCredentialsRefusesEveryLogin() throws Exception {
        assertThat(admin("POST", "revoke/credentials", "").get("revoked").asInt()).isEqualTo(2);

        assertOauthError(loginCall(credential), 401, "invalid_client");
        assertOauthError(loginCall(other), 401, "invalid_client");
        sim.addCredential(credential);
        assertThat(loginCall(credential).statusCode()).isEqualTo(200);
    }

    @Test
    void revokesEachKindThroughJavaToo() throws Exception {
        Tokens a = login(credential);

        assertThat(sim.revokeAccessToken(new AccessToken(a.access))).isTrue();
        assertThat(sim.revokeRefreshToken(new RefreshToken(a.refresh))).isTrue();
        assertThat(sim.revokeCredential(credential)).isTrue();
        assertThat(sim.revokeCredential(credential)).isFalse();
        assertThat(resourceMap(a.access).statusCode()).isEqualTo(401);
        assertOauthError(refresh(a.refresh), 400, "invalid_grant");
        assertOauthError(loginCall(credential), 401, "invalid_client");

        Tokens b = login(other);
        assertThat(sim.revokeAllAccessTokens()).isEqualTo(1);
        assertThat(sim.revokeAllRefreshTokens()).isEqualTo(1);
        assertThat(sim.revokeAllCredentials()).isEqualTo(1);
        assertThat(resourceMap(b.access).statusCode()).isEqualTo(401);
        assertOauthError(refresh(b.refresh), 400, "invalid_grant");
        assertOauthError(loginCall(other), 401, "invalid_client");
    }

    // ---- faults --------------------------------------------------------------------------------

    @Test
    void aFaultForTheNextTwoRefreshesAnswers503WithRetryAfterThenRefreshesNormally() throws Exception {
        Tokens a = login(credential);

        JsonNode queued = admin("POST", "faults",
                "{\"endpoint\":\"refresh\",\"times\":2,\"type\":\"empty-body\",\"status\":503,\"retryAfter\":\"1\"}");

        assertThat(queued.get("endpoint").asText()).isEqualTo("REFRESH");
        assertThat(queued.get("pending").asInt()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = refresh(a.refresh);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(r.body()).isEmpty();
        }
        assertThat(refresh(a.refresh).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "faults", null).get("pending").get("REFRESH").asInt()).isZero();
        assertThat(sim.statusCounts(Endpoint.REFRESH)).containsExactly(Map.entry(200, 1L), Map.entry(503, 2L));
    }

    @Test
    void acceptsEveryFaultTypeItListsAndQueuesThemInOrder() throws Exception {
        admin("POST", "faults", "{\"endpoint\":\"login\",\"type\":\"oauth-error\",\"status\":429,\"error\":\"temporarily_unavailable\"}");
        admin("POST", "faults", "{\"endpoint\":\"LOGIN\",\"type\":\"expires\",\"form\":\"string\"}");
        admin("POST", "faults", "{\"endpoint\":\"login\",\"type\":\"missing-field\",\"field\":\"refresh_token\",\"delayMillis\":0}");
        admin("POST", "faults", "{\"endpoint\":\"resource-url-map\",\"type\":\"html-error-page\",\"status\":502}");

        assertOauthError(loginCall(credential), 429, "temporarily_unavailable");
        assertThat(loginCall(credential).body()).contains("\"expires\":\"");
        assertThat(MAPPER.readTree(loginCall(credential).body()).has("refresh_token")).isFalse();
        assertThat(resourceMap(login(credential).access).body()).contains("<html>");

        JsonNode listing = admin("GET", "faults", null);
        assertThat(listing.get("types").toString()).contains("answer", "oauth-error", "oversized-body", "close-mid-response");
        for (JsonNode type : listing.get("types")) {
            String extra = switch (type.asText()) {
                case "answer", "oauth-error", "html-error-page", "empty-body" -> ",\"status\":500"
                        + (type.asText().equals("oauth-error") ? ",\"error\":\"server_error\"" : "");
                case "missing-field" -> ",\"field\":\"expires\"";
                case "expires" -> ",\"form\":\"ABSENT\"";
                case "oversized-body" -> ",\"bytes\":1000";
                case "delay" -> ",\"delayMillis\":0";
                default -> "";
            };
            assertThat(adminCall("POST", "faults", "{\"endpoint\":\"refresh\",\"type\":\"" + type.asText() + "\"" + extra + "}")
                    .statusCode()).as(type.asText()).isEqualTo(200);
        }
        assertThat(sim.pendingFaults(Endpoint.REFRESH)).isEqualTo(listing.get("types").size());
        assertThat(admin("DELETE", "faults", null).get("cleared").asBoolean()).isTrue();
        assertThat(sim.pendingFaults(Endpoint.REFRESH)).isZero();
    }

    @Test
    void refusesBadAdminInputWithATypedErrorAndChangesNothing() throws Exception {
        Tokens a = login(credential);
        String secretish = "SENTINEL-in-a-bad-field-value";

        assertAdminError(adminCall("POST", "faults", "{\"endpoint\":\"refresh\",\"type\":\"nope\"}"), 400, "type must be one of");
        assertAdminError(adminCall("POST", "faults", "{\"endpoint\":\"" + secretish + "\",\"type\":\"malformed-json\"}"), 400,
                "endpoint must be one of");
        assertAdminError(adminCall("POST", "faults", "{\"endpoint\":\"refresh\",\"type\":\"empty-body\"}"), 400, "status is missing");
        assertAdminError(adminCall("POST", "faults", "{\"endpoint\":\"refresh\",\"type\":\"empty-body\",\"status\":99}"), 400,
                "status must be");
        assertAdminError(adminCall("POST", "faults", "{\"endpoint\":\"refresh\",\"type\":\"malformed-json\",\"times\":0}"), 400,
                "times must be");
        assertAdminError(adminCall("POST", "faults", "{\"endpoint\":\"refresh\",\"type\":\"malformed-json\",\"stauts\":1}"), 400,
                "stauts is not taken");
        assertAdminError(adminCall("POST", "faults", "not json " + secretish), 400, "not JSON");
        assertAdminError(adminCall("POST", "revoke/refresh-token", "{\"token\":42}"), 400, "token must be");
        assertAdminError(adminCall("POST", "revoke/refresh-token", "{\"token\":\"" + a.refresh + "\",\"x\":1}"), 400, "only the field");
        assertAdminError(adminCall("GET", "revoke/access-tokens", null), 405, "not allowed");
        assertAdminError(adminCall("GET", "nothing-here", null), 404, "no such admin call");

        assertThat(sim.pendingFaults(Endpoint.REFRESH)).isZero();
        assertThat(refresh(a.refresh).statusCode()).as("the refresh token survived").isEqualTo(200);
        assertThat(resourceMap(a.access).statusCode()).isEqualTo(200);
    }

    // ---- counters ------------------------------------------------------------------------------

    @Test
    void countsEveryEndpointByOutcomeAndLeavesAdminCallsOut() throws Exception {
        Tokens a = login(credential);
        loginCall(new ApiCredential("not-accepted"));
        refresh(a.refresh);
        refresh("unknown");
        resourceMap(a.access);
        resourceMap("nope");
        admin("GET", "counters", null);

        JsonNode counters = admin("GET", "counters", null).get("endpoints");

        assertThat(counters.get("LOGIN").get("requests").asLong()).isEqualTo(2);
        assertThat(counters.get("LOGIN").get("granted").asLong()).isEqualTo(1);
        assertThat(counters.get("LOGIN").get("byStatus").get("200").asLong()).isEqualTo(1);
        assertThat(counters.get("LOGIN").get("byStatus").get("401").asLong()).isEqualTo(1);
        assertThat(counters.get("REFRESH").get("byStatus").get("400").asLong()).isEqualTo(1);
        assertThat(counters.get("RESOURCE_URL_MAP").get("byStatus").get("401").asLong()).isEqualTo(1);
        assertThat(counters.get("RESOURCE_URL_MAP").get("path").asText()).isEqualTo("/api/v1/resourceURLMap");
        assertThat(counters.get("FINDING_LIST").get("requests").asLong()).isZero();
        assertThat(sim.requestCount(Endpoint.LOGIN, 401)).isEqualTo(1);
        assertThat(sim.requestCount(Endpoint.REFRESH, 200)).isEqualTo(1);
        assertThat(sim.requests()).noneMatch(r -> r.path().startsWith("/_sim"));
    }

    @Test
    void neverEchoesASecretSentToTheAdminApi() throws Exception {
        Tokens a = login(credential);

        String revoked = adminCall("POST", "revoke/access-token", "{\"token\":\"" + a.access + "\"}").body();
        String refused = adminCall("POST", "revoke/refresh-token", "{\"token\":\"" + a.refresh + "\",\"x\":1}").body();
        String credentialRevoked = adminCall("POST", "revoke/credential", "{\"credential\":\"" + credential.value() + "\"}").body();

        assertThat(revoked + refused + credentialRevoked)
                .doesNotContain(a.access).doesNotContain(a.refresh).doesNotContain(credential.value());
    }

    // ---- who may call it -----------------------------------------------------------------------

    @Test
    void answersLoopbackClientsByDefaultAndNobodyWhenOff() throws Exception {
        assertThat(sim.adminAccess()).isEqualTo(AdminAccess.LOOPBACK);
        assertThat(sim.adminUrl()).contains(sim.baseUrl().resolve("/_sim/"));
        try (FortiCnpSimulator off = FortiCnpSimulator.builder().adminAccess(AdminAccess.OFF).start()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(off.baseUrl().resolve("/_sim/counters")).build(),
                    BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(off.adminUrl()).isEmpty();
        }
    }

    @Test
    void refusesClientsOffTheLoopbackUnlessOpenedToAny() throws Exception {
        Optional<InetAddress> lan = nonLoopbackAddress();
        assumeThat(lan).as("this machine has a non-loopback IPv4 address").isPresent();
        try (FortiCnpSimulator local = FortiCnpSimulator.builder().bindAddress(lan.get()).start();
                FortiCnpSimulator open = FortiCnpSimulator.builder().bindAddress(lan.get()).adminAccess(AdminAccess.ANY).start()) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(local.adminUrl().orElseThrow().resolve("counters")).build(),
                    BodyHandlers.ofString());
            HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(open.adminUrl().orElseThrow().resolve("counters")).build(),
                    BodyHandlers.ofString());

            assertAdminError(refused, 403, "loopback clients only");
            assertThat(allowed.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void checksTheNewBuilderArguments() {
        assertThatThrownBy(() -> FortiCnpSimulator.builder().adminAccess(null)).hasMessage("access == null");
        assertThatThrownBy(() -> FortiCnpSimulator.builder().company(-1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FortiCnpSimulator.builder().company(1, null)).hasMessage("companyName == null");
        assertThatThrownBy(() -> FortiCnpSimulator.builder().roleId(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private record Tokens(String access, String refresh) {}

    private Tokens login(ApiCredential c) throws Exception {
        HttpResponse<String> r = loginCall(c);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(r.body());
        return new Tokens(body.get("access_token").asText(), body.get("refresh_token").asText());
    }

    private HttpResponse<String> loginCall(ApiCredential c) throws Exception {
        return http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/auth/credentials/token/"))
                .header("Authorization", "Basic " + c.value()).header("Content-Type", FORM)
                .POST(BodyPublishers.ofString("grant_type=client_credentials")).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> refresh(String refreshToken) throws Exception {
        return http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/auth/token/refresh"))
                .header("Content-Type", FORM)
                .POST(BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + refreshToken)).build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> resourceMap(String access) throws Exception {
        return http.send(HttpRequest.newBuilder(sim.baseUrl().resolve("/api/v1/resourceURLMap"))
                .header("Authorization", "Bearer " + access).header("Content-Type", "application/json").GET().build(),
                BodyHandlers.ofString());
    }

    private JsonNode admin(String method, String route, String json) throws Exception {
        HttpResponse<String> r = adminCall(method, route, json);
        assertThat(r.statusCode()).as("%s %s: %s", method, route, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return MAPPER.readTree(r.body());
    }

    private HttpResponse<String> adminCall(String method, String route, String json) throws Exception {
        URI uri = sim.adminUrl().orElseThrow().resolve(route);
        HttpRequest.BodyPublisher body = json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json);
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").method(method, body).build(),
                BodyHandlers.ofString());
    }

    private static void assertOauthError(HttpResponse<String> r, int status, String error) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(MAPPER.readTree(r.body()).get("error").asText()).isEqualTo(error);
    }

    private static void assertAdminError(HttpResponse<String> r, int status, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(MAPPER.readTree(r.body()).get("error").asText()).contains(message);
        assertThat(r.body()).doesNotContain("SENTINEL");
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
