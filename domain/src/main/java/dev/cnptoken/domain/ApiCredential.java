package dev.cnptoken.domain;

/**
 * The API credential generated in the FortiCNP console (Global Settings, API Access). It is sent
 * verbatim after {@code Authorization: Basic }; it is not base64 of an id and a secret. It is valid
 * for one year unless revoked.
 *
 * @param value the credential; never printed by {@link #toString()}
 */
public record ApiCredential(String value) {
    public ApiCredential {
        Secrets.require(value, "API credential");
        if (value.strip().length() != value.length()) {
            throw new IllegalArgumentException("API credential has leading or trailing white space");
        }
    }

    /** A short, non-reversible tag of the value, for telling credentials apart in logs. */
    public String fingerprint() {
        return Secrets.fingerprint(value);
    }

    @Override
    public String toString() {
        return Secrets.redacted("ApiCredential", value);
    }
}
