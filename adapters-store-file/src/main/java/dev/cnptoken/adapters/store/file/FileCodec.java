package dev.cnptoken.adapters.store.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
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
 *
 * <p>Through Jackson, read strictly, since a damaged or hostile file must be reported as such and
 * not half-understood: duplicate keys, trailing content, comments and other extensions are errors;
 * numbers are exact (a version or an instant never passes through a {@code double}); nesting, string,
 * number and document sizes are capped.
 */
final class FileCodec {
    static final int SCHEMA_VERSION = 1;

    /** Caps for untrusted input; a genuine document is a few hundred bytes, two levels deep. */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(16)
            .maxDocumentLength(1 << 20)
            .maxStringLength(1 << 18)
            .maxNameLength(256)
            .maxNumberLength(64)
            .maxTokenCount(10_000)
            .build();

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(LIMITS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final ObjectReader READER = MAPPER.readerFor(JsonNode.class);

    /** Two-space indentation, {@code "name": value}, one entry a line: the layout the documentation shows. */
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(
                    Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

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
            f.nextAttemptAt().ifPresent(n -> m.put("next_attempt_at", n.toEpochMilli()));
            return m;
        }).orElse(null));

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", SCHEMA_VERSION);
        doc.put("account", account.name());
        doc.put("version", version);
        doc.put("access", access);
        doc.put("refresh", refresh);
        try {
            return (WRITER.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            // strings, longs, maps and nulls only: Jackson cannot fail on them
            throw new IllegalStateException("cannot write a document: " + e.getClass().getSimpleName());
        }
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
        JsonNode doc;
        try {
            doc = READER.readValue(text);
        } catch (JsonProcessingException e) {
            // Jackson's messages can quote the offending token; only its position is kept
            JsonLocation at = e.getLocation();
            throw new BadDocument("is not a valid JSON document (" + (at == null ? e.getClass().getSimpleName()
                    : "at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")");
        }
        if (doc == null || !doc.isObject()) {
            throw new BadDocument("is not a valid JSON document (expected a JSON object)");
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
        JsonNode access = object(doc, "access", "");
        JsonNode refresh = object(doc, "refresh", "");
        try {
            Optional<Lease> lease = optionalObject(refresh, "lease", "refresh.")
                    .map(l -> new Lease(uncheckedString(l, "owner", "refresh.lease."),
                            uncheckedInstant(l, "until", "refresh.lease.")));
            Optional<FailureNote> failure = optionalObject(refresh, "last_failure", "refresh.")
                    .map(f -> new FailureNote(uncheckedString(f, "kind", "refresh.last_failure."),
                            uncheckedString(f, "detail", "refresh.last_failure."),
                            uncheckedInstant(f, "at", "refresh.last_failure."),
                            // absent in documents written before it existed
                            absent(f, "next_attempt_at") ? Optional.empty()
                                    : Optional.of(uncheckedInstant(f, "next_attempt_at", "refresh.last_failure."))));
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

    private static JsonNode field(JsonNode object, String key, String prefix) throws BadDocument {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            throw new BadDocument("lacks the field " + prefix + key);
        }
        return value;
    }

    private static String string(JsonNode object, String key, String prefix) throws BadDocument {
        JsonNode value = field(object, key, prefix);
        if (value.isTextual()) {
            return value.textValue();
        }
        throw new BadDocument("has a field " + prefix + key + " that is not a string");
    }

    private static long number(JsonNode object, String key, String prefix) throws BadDocument {
        JsonNode value = field(object, key, prefix);
        if (value.isNumber()) {
            try {
                return value.decimalValue().longValueExact();
            } catch (ArithmeticException e) {
                throw new BadDocument("has a field " + prefix + key + " that is not a whole number in range");
            }
        }
        throw new BadDocument("has a field " + prefix + key + " that is not a number");
    }

    private static Instant instant(JsonNode object, String key, String prefix) throws BadDocument {
        long millis = number(object, key, prefix);
        try {
            return Instant.ofEpochMilli(millis);
        } catch (RuntimeException e) {
            throw new BadDocument("has a field " + prefix + key + " out of the range of instants");
        }
    }

    private static JsonNode object(JsonNode object, String key, String prefix) throws BadDocument {
        JsonNode value = field(object, key, prefix);
        if (value.isObject()) {
            return value;
        }
        throw new BadDocument("has a field " + prefix + key + " that is not an object");
    }

    private static Optional<JsonNode> optionalObject(JsonNode object, String key, String prefix) throws BadDocument {
        return absent(object, key) ? Optional.empty() : Optional.of(object(object, key, prefix));
    }

    private static Optional<String> optionalString(JsonNode object, String key, String prefix) throws BadDocument {
        return absent(object, key) ? Optional.empty() : Optional.of(string(object, key, prefix));
    }

    private static boolean absent(JsonNode object, String key) {
        JsonNode value = object.get(key);
        return value == null || value.isNull();
    }

    private static String uncheckedString(JsonNode object, String key, String prefix) {
        return build(prefix + key, () -> string(object, key, prefix));
    }

    private static Instant uncheckedInstant(JsonNode object, String key, String prefix) {
        return build(prefix + key, () -> instant(object, key, prefix));
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
