package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.json.Json;
import dev.cnptoken.domain.json.JsonException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON document of one account, schema version {@value #SCHEMA_VERSION}: the public contract
 * described in {@code docs/store-file.md}. Encoding never fails; decoding reports every problem as a
 * {@link BadDocument} whose message names the field, never a value.
 */
final class FileCodec {
    static final int SCHEMA_VERSION = 1;

    private FileCodec() {}

    /** What a document holds. */
    record Decoded(TokenState state, long version) {}

    /** UTF-8 JSON (indented, ending with a newline) of {@code state} stored at {@code version}. */
    static byte[] encode(AccountId account, long version, TokenState state) {
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("access_token", state.accessToken().value());
        access.put("token_type", state.tokenType());
        access.put("expires_at", state.accessExpiresAt().toEpochMilli());

        Map<String, Object> refresh = new LinkedHashMap<>();
        refresh.put("refresh_token", state.refreshToken().value());
        refresh.put("issued_at", state.refreshIssuedAt().toEpochMilli());
        refresh.put("updated_at", state.updatedAt().toEpochMilli());
        refresh.put("credential", state.credential().map(ApiCredential::value).orElse(null));
        refresh.put("lease", state.lease().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("owner", l.owner());
            m.put("until", l.until().toEpochMilli());
            return m;
        }).orElse(null));
        refresh.put("last_failure", state.lastFailure().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", f.kind());
            m.put("detail", f.detail());
            m.put("at", f.at().toEpochMilli());
            return m;
        }).orElse(null));

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", SCHEMA_VERSION);
        doc.put("account", account.name());
        doc.put("version", version);
        doc.put("access", access);
        doc.put("refresh", refresh);
        return (Json.write(doc, true) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a document written for {@code account}.
     *
     * @throws BadDocument if the bytes are not UTF-8, not JSON, of another schema version or
     *     account, or miss or mistype a field
     */
    static Decoded decode(AccountId account, byte[] bytes) throws BadDocument {
        if (bytes.length == 0) {
            throw new BadDocument("is empty (truncated?)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadDocument("is not UTF-8 text");
        }
        Map<String, Object> doc;
        try {
            doc = Json.parseObject(text);
        } catch (JsonException e) {
            // JsonException messages give an offset, never the input
            throw new BadDocument("is not a valid JSON document (" + e.getMessage() + ")");
        }
        long schema = number(doc, "schema_version", "");
        if (schema != SCHEMA_VERSION) {
            throw new BadDocument("has schema_version " + schema + ", this version of cnp-token reads "
                    + SCHEMA_VERSION + " only");
        }
        String stored = string(doc, "account", "");
        if (!stored.equals(account.name())) {
            throw new BadDocument("holds account \"" + printable(stored) + "\", not \"" + account.name() + "\"");
        }
        long version = number(doc, "version", "");
        if (version <= 0) {
            throw new BadDocument("has version " + version + ", expected a positive number");
        }
        Map<String, Object> access = object(doc, "access", "");
        Map<String, Object> refresh = object(doc, "refresh", "");
        try {
            Optional<Lease> lease = optionalObject(refresh, "lease", "refresh.")
                    .map(l -> new Lease(uncheckedString(l, "owner", "refresh.lease."),
                            uncheckedInstant(l, "until", "refresh.lease.")));
            Optional<FailureNote> failure = optionalObject(refresh, "last_failure", "refresh.")
                    .map(f -> new FailureNote(uncheckedString(f, "kind", "refresh.last_failure."),
                            uncheckedString(f, "detail", "refresh.last_failure."),
                            uncheckedInstant(f, "at", "refresh.last_failure.")));
            Optional<ApiCredential> credential = optionalString(refresh, "credential", "refresh.")
                    .map(c -> build("refresh.credential", () -> new ApiCredential(c)));
            TokenState state = new TokenState(
                    build("access.access_token", () -> new AccessToken(string(access, "access_token", "access."))),
                    build("access.token_type", () -> string(access, "token_type", "access.")),
                    instant(access, "expires_at", "access."),
                    build("refresh.refresh_token", () -> new RefreshToken(string(refresh, "refresh_token", "refresh."))),
                    instant(refresh, "issued_at", "refresh."),
                    instant(refresh, "updated_at", "refresh."),
                    credential,
                    lease,
                    failure);
            return new Decoded(state, version);
        } catch (Unchecked e) {
            throw e.cause;
        } catch (IllegalArgumentException e) {
            // the domain's validation messages name the field and the rule, never the value
            throw new BadDocument("has an invalid value: " + e.getMessage());
        }
    }

    private interface FieldBuilder<T> {
        T get() throws BadDocument;
    }

    private static <T> T build(String field, FieldBuilder<T> builder) {
        try {
            return builder.get();
        } catch (BadDocument e) {
            throw new Unchecked(e);
        } catch (IllegalArgumentException e) {
            throw new Unchecked(new BadDocument("has an invalid " + field + ": " + e.getMessage()));
        }
    }

    private static Object field(Map<String, Object> map, String key, String prefix) throws BadDocument {
        if (!map.containsKey(key) || map.get(key) == null) {
            throw new BadDocument("lacks the field " + prefix + key);
        }
        return map.get(key);
    }

    private static String string(Map<String, Object> map, String key, String prefix) throws BadDocument {
        if (field(map, key, prefix) instanceof String s) {
            return s;
        }
        throw new BadDocument("has a field " + prefix + key + " that is not a string");
    }

    private static long number(Map<String, Object> map, String key, String prefix) throws BadDocument {
        if (field(map, key, prefix) instanceof BigDecimal n) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw new BadDocument("has a field " + prefix + key + " that is not a whole number in range");
            }
        }
        throw new BadDocument("has a field " + prefix + key + " that is not a number");
    }

    private static Instant instant(Map<String, Object> map, String key, String prefix) throws BadDocument {
        long millis = number(map, key, prefix);
        try {
            return Instant.ofEpochMilli(millis);
        } catch (RuntimeException e) {
            throw new BadDocument("has a field " + prefix + key + " out of the range of instants");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> map, String key, String prefix) throws BadDocument {
        if (field(map, key, prefix) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new BadDocument("has a field " + prefix + key + " that is not an object");
    }

    private static Optional<Map<String, Object>> optionalObject(Map<String, Object> map, String key, String prefix)
            throws BadDocument {
        return map.get(key) == null ? Optional.empty() : Optional.of(object(map, key, prefix));
    }

    private static Optional<String> optionalString(Map<String, Object> map, String key, String prefix)
            throws BadDocument {
        return map.get(key) == null ? Optional.empty() : Optional.of(string(map, key, prefix));
    }

    private static String uncheckedString(Map<String, Object> map, String key, String prefix) {
        return build(prefix + key, () -> string(map, key, prefix));
    }

    private static Instant uncheckedInstant(Map<String, Object> map, String key, String prefix) {
        return build(prefix + key, () -> instant(map, key, prefix));
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Carries a {@link BadDocument} through the lambdas of {@link Optional#map}. */
    private static final class Unchecked extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient BadDocument cause;

        Unchecked(BadDocument cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }
}
