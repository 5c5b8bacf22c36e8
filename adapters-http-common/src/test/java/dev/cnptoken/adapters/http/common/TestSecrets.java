package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.testkit.Sentinels;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Helpers for the wire-rule tests: recognisable secret values (testkit's {@link Sentinels}) and
 * JWT-shaped tokens with a chosen payload.
 */
final class TestSecrets {
    private TestSecrets() {}

    /** A unique, recognisable secret such as {@code SENTINEL-access-0f3c...}. */
    static String sentinel(String label) {
        return Sentinels.secret(label);
    }

    /** Asserts that {@code text} holds neither {@code secret} nor a 16-character middle slice of it. */
    static void assertNoSecret(String text, String secret) {
        for (String needle : Sentinels.needles(secret)) {
            assertThat(text).doesNotContain(needle);
        }
    }

    /** A JWT-shaped token (header.payload.signature, base64url without padding) with this payload. */
    static String jwt(String payloadJson) {
        return jwt(payloadJson, false);
    }

    /** As {@link #jwt(String)}, with or without base64 padding on the payload part. */
    static String jwt(String payloadJson, boolean padded) {
        Base64.Encoder enc = padded ? Base64.getUrlEncoder() : Base64.getUrlEncoder().withoutPadding();
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"typ\":\"JWT\",\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        String payload = enc.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("sig-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + signature;
    }

    /** A JWT whose payload carries {@code exp} (epoch seconds) and a unique marker claim. */
    static String jwtWithExp(long expSeconds) {
        return jwt("{\"scope\":\"API\",\"iss\":\"fauth-server\",\"host\":[\"FCWP\"],\"exp\":" + expSeconds
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
    }
}
