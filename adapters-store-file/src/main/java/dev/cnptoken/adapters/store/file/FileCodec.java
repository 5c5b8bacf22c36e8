package dev.cnptoken.adapters.store.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON document of one account, schema version {@value #SCHEMA_VERSION}: the public contract
 * described in {@code docs/store-file.md}. Encoding never fails; decoding reports every problem as a
 * {@link BadDocument} whose message names the field, never a value.
 *
 * <p>Through Jackson's streaming parser and generator ({@code jackson-core} only: an {@code ObjectMapper}
 * would load some 450 classes for a few hundred bytes), read strictly, since a damaged or hostile file
 * must be reported as such and not half-understood: duplicate keys, trailing content, comments and
 * other extensions are errors; numbers are exact (a version or an instant never passes through a
 * {@code double}); nesting, string, number and document sizes are capped.
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

    /** Duplicate keys (escaped spellings too) refused by the parser; no source text in error locations. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(LIMITS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** Two-space indentation, {@code "name": value}, one entry a line: the layout the documentation shows. */
    private static final DefaultPrettyPrinter LAYOUT = new DefaultPrettyPrinter(
                    Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

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
        return json(doc, LAYOUT);
    }

    /**
     * {@code document} (maps, strings, integers and nulls) laid out by a fresh copy of {@code layout},
     * then a newline, in UTF-8. Generated as text, then encoded, as the bytes always were: Jackson's
     * byte generator would write a character beyond U+FFFF as an escaped surrogate pair instead of its
     * four UTF-8 bytes.
     */
    static byte[] json(Map<String, ?> document, DefaultPrettyPrinter layout) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            out.setPrettyPrinter(layout.createInstance());
            write(out, document);
        } catch (IOException e) {
            // maps, strings, integers and nulls into a StringWriter: Jackson cannot fail on them
            throw new IllegalStateException("cannot write a document: " + e.getClass().getSimpleName());
        }
        return text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName((String) entry.getKey());
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof String string) {
            out.writeString(string);
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Integer number) {
            out.writeNumber(number);
        } else if (value == null) {
            out.writeNull();
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName());
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
        Object root;
        try (JsonParser in = FACTORY.createParser(text)) {
            if (in.nextToken() == null) {
                throw new JsonParseException(in, "no content", in.currentTokenLocation());
            }
            root = tree(in);
            // exactly one value (databind's FAIL_ON_TRAILING_TOKENS, by hand); duplicate keys are the
            // parser's own error (STRICT_DUPLICATE_DETECTION)
            if (in.nextToken() != null) {
                throw new JsonParseException(in, "trailing content", in.currentTokenLocation());
            }
        } catch (JsonProcessingException e) {
            // Jackson's messages can quote the offending token; only its position is kept
            JsonLocation at = e.getLocation();
            throw new BadDocument("is not a valid JSON document (" + (at == null ? e.getClass().getSimpleName()
                    : "at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")");
        } catch (IOException e) {
            // not from a String source; kept for the checked signature
            throw new BadDocument("is not a valid JSON document (" + e.getClass().getSimpleName() + ")");
        }
        if (!(root instanceof Map<?, ?>)) {
            throw new BadDocument("is not a valid JSON document (expected a JSON object)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) root;
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

    /**
     * The value at the parser's current token, read to its end: objects as {@link LinkedHashMap}
     * (duplicate keys are the parser's error), arrays as {@link ArrayList}, integers as {@link
     * BigInteger}, other numbers as {@link BigDecimal}, strings, booleans and {@code null}. The
     * parser's depth cap bounds the recursion.
     */
    private static Object tree(JsonParser in) throws IOException {
        return switch (in.currentTokenId()) {
            case JsonTokenId.ID_START_OBJECT -> {
                Map<String, Object> members = new LinkedHashMap<>();
                while (in.nextToken() == JsonToken.FIELD_NAME) {
                    String name = in.currentName();
                    in.nextToken();
                    members.put(name, tree(in));
                }
                yield members;
            }
            case JsonTokenId.ID_START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                while (in.nextToken() != JsonToken.END_ARRAY) {
                    items.add(tree(in));
                }
                yield items;
            }
            case JsonTokenId.ID_STRING -> in.getText();
            case JsonTokenId.ID_NUMBER_INT -> in.getBigIntegerValue();
            case JsonTokenId.ID_NUMBER_FLOAT -> {
                try {
                    yield in.getDecimalValue();
                } catch (NumberFormatException e) {
                    // an exponent beyond BigDecimal's (1e99999999999); Jackson's message quotes the number
                    throw new JsonParseException(in, "number out of range", in.currentTokenLocation());
                }
            }
            case JsonTokenId.ID_TRUE -> Boolean.TRUE;
            case JsonTokenId.ID_FALSE -> Boolean.FALSE;
            case JsonTokenId.ID_NULL -> null;
            // the parser ends every structure it starts, or throws: not reached
            default -> throw new JsonParseException(in, "unexpected token", in.currentTokenLocation());
        };
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

    private static Object field(Map<String, Object> object, String key, String prefix) throws BadDocument {
        Object value = object.get(key);
        if (value == null) {
            throw new BadDocument("lacks the field " + prefix + key);
        }
        return value;
    }

    private static String string(Map<String, Object> object, String key, String prefix) throws BadDocument {
        if (field(object, key, prefix) instanceof String value) {
            return value;
        }
        throw new BadDocument("has a field " + prefix + key + " that is not a string");
    }

    private static long number(Map<String, Object> object, String key, String prefix) throws BadDocument {
        Object value = field(object, key, prefix);
        try {
            if (value instanceof BigInteger whole) {
                return whole.longValueExact();
            }
            if (value instanceof BigDecimal decimal) {
                return decimal.longValueExact();
            }
        } catch (ArithmeticException e) {
            throw new BadDocument("has a field " + prefix + key + " that is not a whole number in range");
        }
        throw new BadDocument("has a field " + prefix + key + " that is not a number");
    }

    private static Instant instant(Map<String, Object> object, String key, String prefix) throws BadDocument {
        long millis = number(object, key, prefix);
        try {
            return Instant.ofEpochMilli(millis);
        } catch (RuntimeException e) {
            throw new BadDocument("has a field " + prefix + key + " out of the range of instants");
        }
    }

    @SuppressWarnings("unchecked") // tree() makes every object a Map<String, Object>
    private static Map<String, Object> object(Map<String, Object> object, String key, String prefix)
            throws BadDocument {
        if (field(object, key, prefix) instanceof Map<?, ?> value) {
            return (Map<String, Object>) value;
        }
        throw new BadDocument("has a field " + prefix + key + " that is not an object");
    }

    private static Optional<Map<String, Object>> optionalObject(Map<String, Object> object, String key, String prefix)
            throws BadDocument {
        return absent(object, key) ? Optional.empty() : Optional.of(object(object, key, prefix));
    }

    private static Optional<String> optionalString(Map<String, Object> object, String key, String prefix)
            throws BadDocument {
        return absent(object, key) ? Optional.empty() : Optional.of(string(object, key, prefix));
    }

    /** Missing, or JSON {@code null}: either way absent. */
    private static boolean absent(Map<String, Object> object, String key) {
        return object.get(key) == null;
    }

    private static String uncheckedString(Map<String, Object> object, String key, String prefix) {
        return build(prefix + key, () -> string(object, key, prefix));
    }

    private static Instant uncheckedInstant(Map<String, Object> object, String key, String prefix) {
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
