package dev.cnptoken.adapters.http.common;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Decodes one strict RFC 8259 JSON text with Jackson, configured to refuse what a token answer
 * never legitimately holds: anything but UTF-8, a byte order mark, duplicate object keys (also when
 * spelt with escapes), trailing content, comments, single quotes, unquoted keys, trailing commas,
 * leading zeros or plus signs, {@code NaN}, raw control characters in strings, nesting deeper than
 * {@value #MAX_DEPTH}, numbers longer than {@value #MAX_NUMBER_LENGTH} characters and documents or
 * strings longer than {@value #MAX_LENGTH} characters.
 *
 * <p>The decoded value is a {@code Map<String, Object>} (in document order), a {@code List}, a
 * {@code String}, a {@code Boolean}, {@code null}, or a number: a {@link java.math.BigInteger} for a
 * number without fraction or exponent, else a {@link java.math.BigDecimal} holding exactly what was
 * written (so {@code 1.585002361532E12} never passes through a {@code double}). Refusals name a
 * position, never the text: the text may hold secrets. Thread-safe.
 */
final class StrictJson {
    /** The deepest nesting of objects and arrays accepted. */
    static final int MAX_DEPTH = 64;
    /** The longest number accepted, in characters. */
    static final int MAX_NUMBER_LENGTH = 400;
    /** The longest document, string or key accepted, in characters: the largest body cap a builder takes. */
    static final int MAX_LENGTH = 16 * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxStringLength(MAX_LENGTH)
                            .maxNameLength(MAX_LENGTH)
                            .maxDocumentLength(MAX_LENGTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // a location that quotes the source could carry a secret into a message
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {}

    /**
     * Decodes UTF-8 bytes holding exactly one JSON value.
     *
     * @throws Refused for bytes that are not UTF-8 or not exactly one valid JSON value
     */
    static Object parse(byte[] utf8) throws Refused {
        if (utf8 == null) {
            throw new Refused("no JSON text (null)");
        }
        if (utf8.length > 4 * MAX_LENGTH) {
            throw new Refused("not valid JSON (longer than " + MAX_LENGTH + " characters)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("not UTF-8");
        }
        return parse(text);
    }

    /**
     * Decodes a text holding exactly one JSON value.
     *
     * @throws Refused for anything else
     */
    static Object parse(String text) throws Refused {
        if (text == null) {
            throw new Refused("no JSON text (null)");
        }
        if (text.length() > MAX_LENGTH) {
            throw new Refused("not valid JSON (longer than " + MAX_LENGTH + " characters)");
        }
        if (text.startsWith("\ufeff")) {
            throw new Refused("not valid JSON (a byte order mark at offset 0)");
        }
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JacksonException e) {
            // Jackson's message can quote the text (a token, a key); keep only the position
            throw new Refused("not valid JSON" + position(e.getLocation()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            // a number BigDecimal cannot hold, such as 1e99999999999
            throw new Refused("not valid JSON (a number out of range)");
        }
    }

    /**
     * Decodes a text holding exactly one JSON object.
     *
     * @throws Refused for anything else, naming the object
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) throws Refused {
        if (!(parse(text) instanceof Map<?, ?> map)) {
            throw new Refused("not a JSON object");
        }
        return (Map<String, Object>) map;
    }

    private static String position(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** A text that is not strict JSON. The message says why and where, never what the text holds. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
