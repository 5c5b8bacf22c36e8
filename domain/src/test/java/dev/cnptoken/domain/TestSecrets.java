package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

/**
 * Helpers for the domain's own tests: recognisable secret values (testkit's {@code Sentinels}
 * cannot be used here, testkit depends on domain).
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
}
