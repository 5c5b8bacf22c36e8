package dev.cnptoken.testkit;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import java.util.List;
import java.util.UUID;

/**
 * Recognisable secret values for leak tests: each is unique per call, so a test can search every
 * log line, message and {@code toString()} for it and be sure a hit is a leak.
 */
public final class Sentinels {
    private Sentinels() {}

    /** A fresh unique secret string with the given label, e.g. {@code SENTINEL-access-1b2c...}. */
    public static String secret(String label) {
        return "SENTINEL-" + label + "-" + UUID.randomUUID().toString().replace("-", "");
    }

    public static AccessToken accessToken() {
        return new AccessToken(secret("access"));
    }

    public static RefreshToken refreshToken() {
        return new RefreshToken(secret("refresh"));
    }

    public static ApiCredential credential() {
        return new ApiCredential(secret("credential"));
    }

    /**
     * The parts of a secret worth searching for: the whole value and, for long values, a middle
     * slice, so a truncated echo is caught too.
     */
    public static List<String> needles(String secret) {
        if (secret.length() < 24) {
            return List.of(secret);
        }
        int mid = secret.length() / 2;
        return List.of(secret, secret.substring(mid - 8, mid + 8));
    }
}
