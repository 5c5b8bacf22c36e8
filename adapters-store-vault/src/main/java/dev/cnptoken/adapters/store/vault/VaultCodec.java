package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stored layout: {@link TokenState} to and from the fields of the {@code refresh} and {@code
 * access} secrets. Instants are epoch milliseconds (JSON numbers); optional fields are left out
 * when empty. This layout is a public contract (docs/store-vault.md): change it only together with
 * {@link #SCHEMA_VERSION}.
 */
final class VaultCodec {
    static final long SCHEMA_VERSION = 1;

    static final String SCHEMA = "schema_version";
    static final String ACCESS_TOKEN = "access_token";
    static final String TOKEN_TYPE = "token_type";
    static final String EXPIRES_AT = "expires_at";
    static final String REFRESH_TOKEN = "refresh_token";
    static final String REFRESH_ISSUED_AT = "refresh_issued_at";
    static final String UPDATED_AT = "updated_at";
    static final String CREDENTIAL = "credential";
    static final String LEASE_OWNER = "lease_owner";
    static final String LEASE_UNTIL = "lease_until";
    static final String FAILURE_KIND = "last_failure_kind";
    static final String FAILURE_DETAIL = "last_failure_detail";
    static final String FAILURE_AT = "last_failure_at";
    /** Optional even with the other failure fields: records written before it existed lack it. */
    static final String FAILURE_NEXT_ATTEMPT_AT = "last_failure_next_attempt_at";
    static final String STATE_VERSION = "state_version";

    private VaultCodec() {}

    /** The fields of the authoritative {@code refresh} secret. */
    static Map<String, Object> refreshFields(TokenState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(SCHEMA, SCHEMA_VERSION);
        m.put(ACCESS_TOKEN, s.accessToken().value());
        m.put(TOKEN_TYPE, s.tokenType());
        m.put(EXPIRES_AT, s.accessExpiresAt().toEpochMilli());
        m.put(REFRESH_TOKEN, s.refreshToken().value());
        m.put(REFRESH_ISSUED_AT, s.refreshIssuedAt().toEpochMilli());
        m.put(UPDATED_AT, s.updatedAt().toEpochMilli());
        s.credential().ifPresent(c -> m.put(CREDENTIAL, c.value()));
        s.lease().ifPresent(l -> {
            m.put(LEASE_OWNER, l.owner());
            m.put(LEASE_UNTIL, l.until().toEpochMilli());
        });
        s.lastFailure().ifPresent(f -> {
            m.put(FAILURE_KIND, f.kind());
            m.put(FAILURE_DETAIL, f.detail());
            m.put(FAILURE_AT, f.at().toEpochMilli());
            f.nextAttemptAt().ifPresent(n -> m.put(FAILURE_NEXT_ATTEMPT_AT, n.toEpochMilli()));
        });
        return m;
    }

    /** The fields of the consumer-facing {@code access} secret. */
    static Map<String, Object> accessFields(TokenState s, long stateVersion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ACCESS_TOKEN, s.accessToken().value());
        m.put(TOKEN_TYPE, s.tokenType());
        m.put(EXPIRES_AT, s.accessExpiresAt().toEpochMilli());
        m.put(STATE_VERSION, stateVersion);
        return m;
    }

    /**
     * Reads the {@code refresh} secret's fields.
     *
     * @param where the secret's API path, for messages
     * @throws TokenException CORRUPT naming the path and the field, never a value
     */
    static TokenState decodeRefresh(JsonObject data, String where) {
        Fields f = new Fields(data, where);
        long schema = f.number(SCHEMA);
        if (schema != SCHEMA_VERSION) {
            throw corrupt(where, "schema_version " + schema + " is not one this cnp-token reads (" + SCHEMA_VERSION + ")");
        }
        AccessToken access = f.value(ACCESS_TOKEN, AccessToken::new);
        String type = f.value(TOKEN_TYPE, v -> {
            if (v.isBlank()) {
                throw new IllegalArgumentException();
            }
            return v;
        });
        Instant expires = f.instant(EXPIRES_AT);
        RefreshToken refresh = f.value(REFRESH_TOKEN, RefreshToken::new);
        Instant issued = f.instant(REFRESH_ISSUED_AT);
        Instant updated = f.instant(UPDATED_AT);
        Optional<ApiCredential> credential = f.has(CREDENTIAL)
                ? Optional.of(f.value(CREDENTIAL, ApiCredential::new)) : Optional.empty();
        Optional<Lease> lease = Optional.empty();
        if (f.has(LEASE_OWNER) || f.has(LEASE_UNTIL)) {
            Instant until = f.instant(LEASE_UNTIL);
            lease = Optional.of(f.value(LEASE_OWNER, owner -> new Lease(owner, until)));
        }
        Optional<FailureNote> failure = Optional.empty();
        if (f.has(FAILURE_KIND) || f.has(FAILURE_DETAIL) || f.has(FAILURE_AT)) {
            Instant at = f.instant(FAILURE_AT);
            String detail = f.value(FAILURE_DETAIL, d -> d);
            Optional<Instant> next = f.has(FAILURE_NEXT_ATTEMPT_AT) ? Optional.of(f.instant(FAILURE_NEXT_ATTEMPT_AT)) : Optional.empty();
            failure = Optional.of(f.value(FAILURE_KIND, kind -> new FailureNote(kind, detail, at, next)));
        }
        return new TokenState(access, type, expires, refresh, issued, updated, credential, lease, failure);
    }

    /** The {@code state_version} of an {@code access} secret, or 0 when it has none or it is unreadable. */
    static long stateVersionOf(JsonObject data) {
        JsonValue v = data == null ? null : data.get(STATE_VERSION);
        if (v == null || !v.isNumber()) {
            return 0;
        }
        try {
            return v.asLong();
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the {@code access} secret already holds exactly the access fields of {@code s}. */
    static boolean sameAccess(JsonObject data, TokenState s) {
        if (data == null) {
            return false;
        }
        JsonValue token = data.get(ACCESS_TOKEN);
        JsonValue type = data.get(TOKEN_TYPE);
        JsonValue expires = data.get(EXPIRES_AT);
        if (token == null || !token.isString() || !token.asString().equals(s.accessToken().value())
                || type == null || !type.isString() || !type.asString().equals(s.tokenType())
                || expires == null || !expires.isNumber()) {
            return false;
        }
        try {
            return expires.asLong() == s.accessExpiresAt().toEpochMilli();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static TokenException corrupt(String where, String what) {
        return new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.CORRUPT,
                "the secret at " + where + " is not a readable cnp-token state: " + what));
    }

    /** Typed access to one secret's fields; every problem names the field, never its value. */
    private static final class Fields {
        private final JsonObject data;
        private final String where;

        Fields(JsonObject data, String where) {
            this.data = data;
            this.where = where;
        }

        boolean has(String name) {
            JsonValue v = data.get(name);
            return v != null && !v.isNull();
        }

        long number(String name) {
            JsonValue v = data.get(name);
            if (v == null || v.isNull()) {
                throw corrupt(where, "field " + name + " is missing");
            }
            if (!v.isNumber()) {
                throw corrupt(where, "field " + name + " is not a number");
            }
            try {
                return v.asLong();
            } catch (NumberFormatException e) {
                throw corrupt(where, "field " + name + " is not a whole number");
            }
        }

        Instant instant(String name) {
            long ms = number(name);
            try {
                return Instant.ofEpochMilli(ms);
            } catch (java.time.DateTimeException e) {
                throw corrupt(where, "field " + name + " is out of range");
            }
        }

        <T> T value(String name, java.util.function.Function<String, T> make) {
            JsonValue v = data.get(name);
            if (v == null || v.isNull()) {
                throw corrupt(where, "field " + name + " is missing");
            }
            if (!v.isString()) {
                throw corrupt(where, "field " + name + " is not a string");
            }
            try {
                return make.apply(v.asString());
            } catch (IllegalArgumentException | NullPointerException e) {
                // the domain's message may describe the value's shape; keep only the field name
                throw corrupt(where, "field " + name + " is not valid");
            }
        }
    }
}
