package dev.cnptoken.adapters.http.common;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one strict RFC 8259 JSON text with Jackson's streaming parser, configured to refuse what a token answer
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
 *
 * <p>The values are built from the parser's tokens here rather than by {@code jackson-databind}: an
 * {@code ObjectMapper}'s first use costs about 0.1 s of CPU, a one-shot {@code cnp-token rotate}'s
 * largest single start-up cost, for what is a few lines of tree building.
 */
final class StrictJson {
    /** The deepest nesting of objects and arrays accepted. */
    static final int MAX_DEPTH = 64;
    /** The longest number accepted, in characters. */
    static final int MAX_NUMBER_LENGTH = 400;
    /** The longest document, string or key accepted, in characters: the largest body cap a builder takes. */
    static final int MAX_LENGTH = 16 * 1024 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
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
        try (JsonParser parser = FACTORY.createParser(text)) {
            Object value = value(parser, parser.nextToken());
            if (parser.nextToken() != null) {
                throw new Refused("not valid JSON (trailing content" + at(parser.currentTokenLocation()) + ")");
            }
            return value;
        } catch (JacksonException e) {
            // Jackson's message can quote the text (a token, a key); keep only the position
            throw new Refused("not valid JSON" + position(e.getLocation()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            // a number BigDecimal cannot hold, such as 1e99999999999
            throw new Refused("not valid JSON (a number out of range)");
        } catch (IOException e) {
            // not from a String source; kept for the checked signature
            throw new Refused("not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The value that starts with {@code token}: objects as {@link LinkedHashMap}, arrays as {@link
     * ArrayList}, integers as {@link java.math.BigInteger}, other numbers as {@link java.math.BigDecimal}.
     * Recursion is bounded: the parser refuses nesting deeper than {@value #MAX_DEPTH}.
     */
    private static Object value(JsonParser parser, JsonToken token) throws IOException, Refused {
        if (token == null) {
            throw new Refused("not valid JSON (no value" + at(parser.currentLocation()) + ")");
        }
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    if (t != JsonToken.FIELD_NAME) {
                        throw new Refused("not valid JSON" + position(parser.currentTokenLocation()));
                    }
                    String name = parser.currentName();
                    object.put(name, value(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                return array;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getBigIntegerValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDecimalValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new Refused("not valid JSON" + position(parser.currentTokenLocation()));
        }
    }

    /** {@code ", line L, column C"}, or nothing when the location is unknown. */
    private static String at(JsonLocation location) {
        String p = position(location);
        return p.isEmpty() ? "" : ", " + p.substring(2, p.length() - 1);
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
