package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Helpers for the domain's own tests: recognisable secret values (testkit's {@code Sentinels}
 * cannot be used here, testkit depends on domain) and JWT-shaped tokens with a chosen payload.
 */
final class TestSecrets {
    private TestSecrets() {}

    /** A unique, recognisable secret such as {@code SENTINEL-access-0f3c...}. */
    static String sentinel(String label) {
        return "SENTINEL-" + label + "-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Asserts that {@code text} holds neither {@code secret} nor a 16-character middle slice of it. */
    static void assertNoSecret(String text, String secret) {
        assertThat(text).doesNotContain(secret);
        if (secret.length() >= 24) {
            int mid = secret.length() / 2;
            assertThat(text).doesNotContain(secret.substring(mid - 8, mid + 8));
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
