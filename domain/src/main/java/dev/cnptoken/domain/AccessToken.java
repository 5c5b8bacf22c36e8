package dev.cnptoken.domain;

/**
 * A FortiCNP access token: the value that goes after {@code Authorization: Bearer }.
 *
 * @param value the token; never printed by {@link #toString()}
 */
public record AccessToken(String value) {
    public AccessToken {
        Secrets.require(value, "access token");
    }

    /** A short, non-reversible tag of the value, for telling tokens apart in logs. */
    public String fingerprint() {
        return Secrets.fingerprint(value);
    }

    @Override
    public String toString() {
        return Secrets.redacted("AccessToken", value);
    }
}
