package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes an account's state into the fields of its Redis hashes and decodes them back. The field
 * names and their encoding are a public contract that services in other languages read (see
 * docs/store-redis.md; the key names are in {@link RedisKeys}); change them only with a new {@code
 * schema_version}.
 */
final class RedisCodec {
    static final String SCHEMA_VERSION = "1";

    // fields of the access hash, and copies of them in the refresh hash
    static final String ACCESS_TOKEN = "access_token";
    static final String TOKEN_TYPE = "token_type";
    static final String EXPIRES_AT = "expires_at";

    // fields of the refresh hash
    static final String SCHEMA = "schema_version";
    static final String VERSION = "version";
    static final String WRITE_ID = "write_id";
    static final String REFRESH_TOKEN = "refresh_token";
    static final String REFRESH_ISSUED_AT = "refresh_issued_at";
    static final String UPDATED_AT = "updated_at";
    static final String CREDENTIAL = "credential";
    static final String LEASE_OWNER = "lease_owner";
    static final String LEASE_UNTIL = "lease_until";
    static final String LAST_FAILURE_KIND = "last_failure_kind";
    static final String LAST_FAILURE_DETAIL = "last_failure_detail";
    static final String LAST_FAILURE_AT = "last_failure_at";
    /** Optional even with the other failure fields: hashes written before it existed lack it. */
    static final String LAST_FAILURE_NEXT_ATTEMPT_AT = "last_failure_next_attempt_at";

    /**
     * The arguments of the compare-and-set script: expected version, write id, then the access side
     * (expires_at, access_token, token_type), then the remaining refresh-hash fields as name/value
     * pairs.
     */
    static List<String> scriptArguments(long expectedVersion, String writeId, TokenState s) {
        List<String> args = new ArrayList<>(26);
        args.add(Long.toString(expectedVersion));
        args.add(writeId);
        args.add(millis(s.accessExpiresAt(), "accessExpiresAt"));
        args.add(s.accessToken().value());
        args.add(s.tokenType());
        pair(args, SCHEMA, SCHEMA_VERSION);
        pair(args, REFRESH_TOKEN, s.refreshToken().value());
        pair(args, REFRESH_ISSUED_AT, millis(s.refreshIssuedAt(), "refreshIssuedAt"));
        pair(args, UPDATED_AT, millis(s.updatedAt(), "updatedAt"));
        s.credential().ifPresent(c -> pair(args, CREDENTIAL, c.value()));
        s.lease().ifPresent(l -> {
            pair(args, LEASE_OWNER, l.owner());
            pair(args, LEASE_UNTIL, millis(l.until(), "lease.until"));
        });
        s.lastFailure().ifPresent(f -> {
            pair(args, LAST_FAILURE_KIND, f.kind());
            pair(args, LAST_FAILURE_DETAIL, f.detail());
            pair(args, LAST_FAILURE_AT, millis(f.at(), "lastFailure.at"));
            f.nextAttemptAt().ifPresent(n -> pair(args, LAST_FAILURE_NEXT_ATTEMPT_AT, millis(n, "lastFailure.nextAttemptAt")));
        });
        return args;
    }

    /**
     * Decodes a refresh hash.
     *
     * @throws CorruptRecord naming the field (never its value) when the hash cannot be decoded
     */
    static Decoded decode(Map<String, String> hash) {
        String schema = hash.get(SCHEMA);
        if (schema == null) {
            throw new CorruptRecord("field " + SCHEMA + " is missing");
        }
        if (!schema.equals(SCHEMA_VERSION)) {
            throw new CorruptRecord(SCHEMA + " is \"" + RedisUri.printable(schema) + "\", this version reads only "
                    + SCHEMA_VERSION);
        }
        long version = parseLong(hash, VERSION);
        if (version <= 0) {
            throw new CorruptRecord("field " + VERSION + " is not positive");
        }
        try {
            Optional<Lease> lease = Optional.empty();
            if (hash.containsKey(LEASE_OWNER) || hash.containsKey(LEASE_UNTIL)) {
                lease = Optional.of(new Lease(required(hash, LEASE_OWNER), instant(hash, LEASE_UNTIL)));
            }
            Optional<FailureNote> failure = Optional.empty();
            if (hash.containsKey(LAST_FAILURE_KIND) || hash.containsKey(LAST_FAILURE_DETAIL)
                    || hash.containsKey(LAST_FAILURE_AT)) {
                Optional<Instant> next = hash.containsKey(LAST_FAILURE_NEXT_ATTEMPT_AT)
                        ? Optional.of(instant(hash, LAST_FAILURE_NEXT_ATTEMPT_AT)) : Optional.empty();
                failure = Optional.of(new FailureNote(required(hash, LAST_FAILURE_KIND),
                        required(hash, LAST_FAILURE_DETAIL), instant(hash, LAST_FAILURE_AT), next));
            }
            Optional<ApiCredential> credential = Optional.ofNullable(hash.get(CREDENTIAL)).map(RedisCodec::credential);
            TokenState state = new TokenState(
                    secret(hash, ACCESS_TOKEN, AccessToken::new),
                    required(hash, TOKEN_TYPE),
                    instant(hash, EXPIRES_AT),
                    secret(hash, REFRESH_TOKEN, RefreshToken::new),
                    instant(hash, REFRESH_ISSUED_AT),
                    instant(hash, UPDATED_AT),
                    credential,
                    lease,
                    failure);
            return new Decoded(state, version, Optional.ofNullable(hash.get(WRITE_ID)));
        } catch (IllegalArgumentException e) {
            if (e instanceof CorruptRecord c) {
                throw c;
            }
            // the domain's validation messages name the problem, not the value of a secret
            throw new CorruptRecord("a field does not hold a valid value (" + e.getMessage() + ")");
        }
    }

    /** A decoded refresh hash. */
    record Decoded(TokenState state, long version, Optional<String> writeId) {}

    /** The stored data cannot be decoded; the message names the field, never its value. */
    static final class CorruptRecord extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CorruptRecord(String message) {
            super(message);
        }
    }

    /** The version in a raw refresh hash, {@code 0} when absent. */
    static long versionOf(Map<String, String> hash) {
        return hash.isEmpty() ? 0 : parseLong(hash, VERSION);
    }

    private static ApiCredential credential(String value) {
        try {
            return new ApiCredential(value);
        } catch (IllegalArgumentException e) {
            throw new CorruptRecord("field " + CREDENTIAL + " is not a valid credential");
        }
    }

    private static <T> T secret(Map<String, String> hash, String field, java.util.function.Function<String, T> make) {
        String value = required(hash, field);
        try {
            return make.apply(value);
        } catch (IllegalArgumentException e) {
            throw new CorruptRecord("field " + field + " is not a valid token");
        }
    }

    private static String required(Map<String, String> hash, String field) {
        String value = hash.get(field);
        if (value == null) {
            throw new CorruptRecord("field " + field + " is missing");
        }
        return value;
    }

    private static long parseLong(Map<String, String> hash, String field) {
        String value = required(hash, field);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CorruptRecord("field " + field + " is not a whole number");
        }
    }

    private static Instant instant(Map<String, String> hash, String field) {
        return Instant.ofEpochMilli(parseLong(hash, field));
    }

    private static void pair(List<String> args, String field, String value) {
        args.add(field);
        args.add(value);
    }

    private static String millis(Instant instant, String what) {
        try {
            return Long.toString(instant.toEpochMilli());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " is out of the range of epoch milliseconds");
        }
    }
}
