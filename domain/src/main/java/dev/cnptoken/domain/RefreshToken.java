package dev.cnptoken.domain;

/**
 * A FortiCNP refresh token, exchanged for a new access token at {@code /api/v1/auth/token/refresh}.
 * It lives for a limited time (8 hours by default) after it was issued.
 *
 * @param value the token; never printed by {@link #toString()}
 */
public record RefreshToken(String value) {
    public RefreshToken {
        Secrets.require(value, "refresh token");
    }

    /** A short, non-reversible tag of the value, for telling tokens apart in logs. */
    public String fingerprint() {
        return Secrets.fingerprint(value);
    }

    @Override
    public String toString() {
        return Secrets.redacted("RefreshToken", value);
    }
}
