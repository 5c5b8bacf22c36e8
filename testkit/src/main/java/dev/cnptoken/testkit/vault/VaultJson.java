package dev.cnptoken.testkit.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the JSON of Vault's HTTP API as plain Java values, through Jackson: objects as
 * insertion-ordered {@code Map<String, Object>}, arrays as {@code List<Object>}, numbers as {@code
 * BigDecimal}, and strings, booleans and {@code null}. Duplicate keys and trailing content are
 * errors. Used by the emulator, and by tests that talk to it without a Vault library. Error
 * messages name a position, never the input, which may hold secrets.
 */
public final class VaultJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private VaultJson() {}

    /** Text that is not one JSON object. The message gives a line and column, never the input. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses one JSON object.
     *
     * @throws Invalid if {@code text} is not exactly one JSON object
     */
    public static Map<String, Object> parseObject(String text) {
        Objects.requireNonNull(text, "text == null");
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Invalid("not valid JSON" + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        }
        if (node == null || !node.isObject()) {
            throw new Invalid("expected a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(node);
        return map;
    }

    /** Compact JSON of a value made of maps with string keys, lists, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a " + e.getClass().getSimpleName() + " as JSON");
        }
    }

    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(plain(n)));
            return list;
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() ? new BigDecimal(node.bigIntegerValue()) : node.decimalValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null;
    }
}
