package dev.cnptoken.testkit.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator speaks Vault's HTTP API as documented: checked with plain HTTP calls. */
class VaultEmulatorTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final VaultEmulator vault = VaultEmulator.builder().namespace("team-a").start();

    private record Answer(int status, Map<String, Object> json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data() {
            return (Map<String, Object>) json.get("data");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> auth() {
            return (Map<String, Object>) json.get("auth");
        }

        @SuppressWarnings("unchecked")
        List<Object> errors() {
            return (List<Object>) json.get("errors");
        }
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    private Answer call(String method, String path, String token, String namespace, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vault.address() + "/v1/" + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(VaultJson.write(body)));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        if (namespace != null) {
            b.header("X-Vault-Namespace", namespace);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 204) {
                assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            }
            return new Answer(r.statusCode(), r.body().isEmpty() ? Map.of() : VaultJson.parseObject(r.body()));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private Answer root(String method, String path, Object body) {
        return call(method, path, vault.rootToken(), null, body);
    }

    @Test
    void answersHealthWithoutATokenAndEverythingElseWith503WhileSealed() {
        assertThat(call("GET", "sys/health", null, null, null).status()).isEqualTo(200);
        vault.seal();
        Answer health = call("GET", "sys/health", null, null, null);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().get("sealed")).isEqualTo(true);
        assertThat(root("GET", "secret/data/x", null).status()).isEqualTo(503);
        assertThat(root("GET", "secret/data/x", null).errors()).containsExactly("Vault is sealed");
        vault.unseal();
        assertThat(root("GET", "secret/data/x", null).status()).isEqualTo(404);
    }

    @Test
    void carriesOutAWriteWhoseAnswerItDropsAndRunsTheHookBeforeClosing() {
        java.util.concurrent.atomic.AtomicBoolean ranBeforeClosing = new java.util.concurrent.atomic.AtomicBoolean();
        vault.dropAnswerToNextWrite("/app/dropped", () -> ranBeforeClosing.set(
                root("GET", "secret/data/app/dropped", null).status() == 200));

        assertThatThrownBy(() -> root("POST", "secret/data/app/dropped", Map.of("data", Map.of("k", "v"),
                "options", Map.of("cas", 0)))).hasRootCauseInstanceOf(IOException.class);

        assertThat(vault.droppedAnswer()).isTrue();
        assertThat(ranBeforeClosing).isTrue();
        Answer stored = root("GET", "secret/data/app/dropped", null);
        assertThat(((Map<?, ?>) stored.data().get("metadata")).get("version")).isEqualTo(BigDecimal.ONE);
        // only once: the next write is answered
        assertThat(root("POST", "secret/data/app/dropped", Map.of("data", Map.of("k", "w"))).status()).isEqualTo(200);
    }

    @Test
    void refusesJsonWithDuplicateKeysOrTrailingContent() throws Exception {
        for (String body : List.of("{\"data\":{\"k\":\"v\"},\"data\":{\"k\":\"w\"}}", "{\"data\":{\"k\":\"v\"}} {}",
                "{\"data\":")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(vault.address() + "/v1/secret/data/app/j"))
                    .header("X-Vault-Token", vault.rootToken())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(VaultJson.parseObject(r.body()).get("errors")).isEqualTo(List.of("failed to parse JSON input"));
        }
        assertThat(root("GET", "secret/data/app/j", null).status()).isEqualTo(404);
    }

    @Test
    void keepsVersionsAndEnforcesCheckAndSet() {
        Answer first = root("POST", "secret/data/app/a", Map.of("data", Map.of("k", "v1"), "options", Map.of("cas", 0)));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.data().get("version")).isEqualTo(BigDecimal.ONE);
        Answer again = root("POST", "secret/data/app/a", Map.of("data", Map.of("k", "x"), "options", Map.of("cas", 0)));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.errors()).containsExactly("check-and-set parameter did not match the current version");
        assertThat(root("PUT", "secret/data/app/a", Map.of("data", Map.of("k", "v2"), "options", Map.of("cas", 1)))
                .data().get("version")).isEqualTo(BigDecimal.valueOf(2));
        assertThat(root("POST", "secret/data/app/a", Map.of("data", Map.of("k", "v3"))).status()).isEqualTo(200);

        Answer latest = root("GET", "secret/data/app/a", null);
        assertThat(latest.data().get("data")).isEqualTo(Map.of("k", "v3"));
        assertThat(((Map<?, ?>) latest.data().get("metadata")).get("version")).isEqualTo(BigDecimal.valueOf(3));
        assertThat(root("GET", "secret/data/app/a?version=1", null).data().get("data")).isEqualTo(Map.of("k", "v1"));
        assertThat(root("GET", "secret/metadata/app/a", null).data().get("current_version")).isEqualTo(BigDecimal.valueOf(3));
    }

    @Test
    void requiresCheckAndSetWhenTheMetadataSaysSo() {
        assertThat(root("POST", "secret/metadata/app/b", Map.of("cas_required", true)).status()).isEqualTo(204);
        Answer without = root("POST", "secret/data/app/b", Map.of("data", Map.of("k", "v")));
        assertThat(without.status()).isEqualTo(400);
        assertThat(without.errors()).containsExactly("check-and-set parameter required for this call");
        assertThat(root("POST", "secret/data/app/b", Map.of("data", Map.of("k", "v"), "options", Map.of("cas", 0)))
                .status()).isEqualTo(200);
    }

    @Test
    void softDeletesKeepTheVersionCountAndListsShowFolders() {
        root("POST", "secret/data/app/one/x", Map.of("data", Map.of("k", "v")));
        root("POST", "secret/data/app/two/x", Map.of("data", Map.of("k", "v")));
        root("POST", "secret/data/app/leaf", Map.of("data", Map.of("k", "v")));
        assertThat(root("LIST", "secret/metadata/app", null).data().get("keys")).isEqualTo(List.of("leaf", "one/", "two/"));
        assertThat(root("GET", "secret/metadata/app/?list=true", null).data().get("keys"))
                .isEqualTo(List.of("leaf", "one/", "two/"));
        assertThat(root("LIST", "secret/metadata/none", null).status()).isEqualTo(404);

        assertThat(root("DELETE", "secret/data/app/leaf", null).status()).isEqualTo(204);
        Answer deleted = root("GET", "secret/data/app/leaf", null);
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.data().get("data")).isNull();
        assertThat(((Map<?, ?>) deleted.data().get("metadata")).get("deletion_time")).isNotEqualTo("");
        Answer stale = root("POST", "secret/data/app/leaf", Map.of("data", Map.of("k", "w"), "options", Map.of("cas", 0)));
        assertThat(stale.status()).as("the version count survives a soft delete").isEqualTo(400);

        assertThat(root("DELETE", "secret/metadata/app/leaf", null).status()).isEqualTo(204);
        assertThat(root("POST", "secret/data/app/leaf", Map.of("data", Map.of("k", "w"), "options", Map.of("cas", 0)))
                .status()).isEqualTo(200);
    }

    @Test
    void logsInWithAppRoleAndRenewsUpToTheMaxTtl() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("job", Duration.ofMinutes(60), Duration.ofMinutes(90));
        assertThat(role.toString()).doesNotContain(role.secretId());
        Answer bad = call("POST", "auth/approle/login", null, null, Map.of("role_id", role.roleId(), "secret_id", "nope"));
        assertThat(bad.status()).isEqualTo(400);

        Answer login = call("POST", "auth/approle/login", null, null,
                Map.of("role_id", role.roleId(), "secret_id", role.secretId()));
        assertThat(login.status()).isEqualTo(200);
        String token = (String) login.auth().get("client_token");
        assertThat(login.auth().get("lease_duration")).isEqualTo(BigDecimal.valueOf(3600));
        assertThat(login.auth().get("renewable")).isEqualTo(true);
        assertThat(login.auth().get("policies")).isEqualTo(List.of("default"));

        vault.advance(Duration.ofMinutes(50));
        Answer lookup = call("GET", "auth/token/lookup-self", token, null, null);
        assertThat(lookup.data().get("ttl")).isEqualTo(BigDecimal.valueOf(600));
        assertThat(lookup.data().get("id")).isEqualTo(token);

        Answer renewed = call("POST", "auth/token/renew-self", token, null, Map.of("increment", "1h"));
        assertThat(renewed.auth().get("lease_duration")).as("capped at 90 min after login").isEqualTo(BigDecimal.valueOf(2400));
        assertThat((List<?>) renewed.json().get("warnings")).hasSize(1);

        vault.advance(Duration.ofMinutes(41));
        assertThat(call("GET", "auth/token/lookup-self", token, null, null).status()).isEqualTo(403);
        assertThat(call("POST", "auth/token/renew-self", token, null, Map.of()).status()).isEqualTo(403);
    }

    @Test
    void enforcesPathPoliciesWithGlobsAndDeny() {
        vault.addPolicy("p", "secret/data/apps/+/access", "read");
        vault.addPolicy("p", "secret/data/apps/*", "create", "update");
        vault.addPolicy("p", "secret/data/apps/locked/*", "deny");
        String token = vault.createToken(Duration.ofHours(1), "p");
        root("POST", "secret/data/apps/a/access", Map.of("data", Map.of("k", "v")));
        root("POST", "secret/data/apps/a/refresh", Map.of("data", Map.of("k", "v")));

        assertThat(call("GET", "secret/data/apps/a/access", token, null, null).status()).isEqualTo(200);
        assertThat(call("GET", "secret/data/apps/a/refresh", token, null, null).status()).isEqualTo(403);
        assertThat(call("GET", "secret/data/apps/a/b/access", token, null, null).status())
                .as("+ is one segment").isEqualTo(403);
        assertThat(call("POST", "secret/data/apps/z/new", token, null, Map.of("data", Map.of()))
                .status()).isEqualTo(200);
        assertThat(call("POST", "secret/data/apps/locked/x", token, null, Map.of("data", Map.of())).status())
                .isEqualTo(403);
        assertThat(call("LIST", "secret/metadata/apps", token, null, null).status()).isEqualTo(403);
        assertThat(call("GET", "secret/data/apps/a/access", null, null, null).status()).isEqualTo(403);
        assertThat(call("GET", "secret/data/apps/a/access", "hvs.unknown", null, null).status()).isEqualTo(403);
    }

    @Test
    void keepsNamespacesApart() {
        String nsToken = vault.createToken("team-a", Duration.ofHours(1), Duration.ofHours(1), "root");
        assertThat(call("POST", "secret/data/x", nsToken, "team-a", Map.of("data", Map.of("k", "in-ns"))).status())
                .isEqualTo(200);
        assertThat(call("GET", "secret/data/x", nsToken, "team-a/", null).data().get("data")).isEqualTo(Map.of("k", "in-ns"));
        assertThat(call("GET", "secret/data/x", nsToken, null, null).status()).as("namespace token at the root").isEqualTo(403);
        assertThat(root("GET", "secret/data/x", null).status()).isEqualTo(404);
        assertThat(call("GET", "secret/data/x", vault.rootToken(), "team-a", null).status()).isEqualTo(200);
        assertThat(call("GET", "secret/data/x", vault.rootToken(), "unknown", null).status()).isEqualTo(404);
        assertThatThrownBy(() -> vault.createToken("other", Duration.ofHours(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsRequestLinesWithoutTokensOrBodies() {
        root("POST", "secret/data/app/a", Map.of("data", Map.of("k", "SENTINEL-body")));
        root("GET", "secret/data/app/a?version=1", null);
        assertThat(vault.requests()).containsExactly("POST /v1/secret/data/app/a", "GET /v1/secret/data/app/a");
        assertThat(vault.count("GET /v1/secret/data/app/a")).isEqualTo(1);
        assertThat(String.join(" ", vault.requests())).doesNotContain(vault.rootToken(), "SENTINEL");
    }

    @Test
    void refusesConnectionsOnceStopped() {
        vault.stop();
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(vault.address() + "/v1/sys/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}
