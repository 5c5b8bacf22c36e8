package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.testkit.vault.VaultJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a consumer in any language does: plain HTTP calls to Vault's API with a token header, no
 * Vault library. Used to check the documented layout and policies from the outside.
 */
final class PlainHttp {
    record Answer(int status, Map<String, Object> json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data() {
            return (Map<String, Object>) json.get("data");
        }

        /** For KV v2 reads: the secret's fields. */
        @SuppressWarnings("unchecked")
        Map<String, Object> secret() {
            return (Map<String, Object>) data().get("data");
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String address;
    private final String token;
    private final String namespace;

    PlainHttp(String address, String token) {
        this(address, token, null);
    }

    PlainHttp(String address, String token, String namespace) {
        this.address = address;
        this.token = token;
        this.namespace = namespace;
    }

    Answer get(String apiPath) {
        return send("GET", apiPath, null);
    }

    Answer list(String apiPath) {
        return send("LIST", apiPath, null);
    }

    Answer post(String apiPath, Object body) {
        return send("POST", apiPath, VaultJson.write(body));
    }

    Answer delete(String apiPath) {
        return send("DELETE", apiPath, null);
    }

    private Answer send(String method, String apiPath, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(address + "/v1/" + apiPath))
                .header("X-Vault-Token", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (namespace != null) {
            b.header("X-Vault-Namespace", namespace);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String text = r.body();
            return new Answer(r.statusCode(), text == null || text.isEmpty() ? Map.of() : VaultJson.parseObject(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
