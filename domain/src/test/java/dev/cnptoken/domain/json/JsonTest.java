package dev.cnptoken.domain.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Json}: strict parsing, writing, and error messages that never show the input. */
class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"s\":\"x\",\"n\":-1.5e3,\"i\":0,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}],\"o\":{}}\n");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("s", "n", "i", "t", "f", "z", "a", "o");
        assertThat(m.get("s")).isEqualTo("x");
        assertThat(m.get("n")).isEqualTo(new BigDecimal("-1.5e3"));
        assertThat(m.get("i")).isEqualTo(BigDecimal.ZERO);
        assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(m.get("f")).isEqualTo(Boolean.FALSE);
        assertThat(m.containsKey("z")).isTrue();
        assertThat(m.get("z")).isNull();
        assertThat(m.get("a")).isEqualTo(List.of(BigDecimal.ONE, List.of(), Map.of()));
        assertThat(m.get("o")).isEqualTo(Map.of());
    }

    @Test
    void parsesBareTopLevelValues() {
        assertThat(Json.parse("\"x\"")).isEqualTo("x");
        assertThat(Json.parse("1.585002361532E12")).isEqualTo(new BigDecimal("1.585002361532E12"));
        assertThat(Json.parse("-0")).isEqualTo(new BigDecimal("-0"));
        assertThat(Json.parse("null")).isNull();
        assertThat(Json.parse("\t true \r\n")).isEqualTo(true);
    }

    @Test
    void keepsTheDocumentedExpiresNumberExactly() {
        Object expires = Json.parseObject("{\"expires\": 1.585002361532E12}").get("expires");
        assertThat(expires).isInstanceOf(BigDecimal.class);
        assertThat(((BigDecimal) expires).longValueExact()).isEqualTo(1585002361532L);
    }

    @Test
    void readsEveryEscape() {
        assertThat(Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"")).isEqualTo("\" \\ / \b \f \n \r \t");
        assertThat(Json.parse("\"\\u0041\\u00e9\\u00E9\\u20AC\"")).isEqualTo("Aéé€");
        assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
        assertThat(Json.parse("\"😀 raw\"")).isEqualTo("😀 raw");
        assertThat(Json.parse("\"\\u0000\"")).isEqualTo("\u0000");
        assertThat(Json.parse("\"\u007f\"")).isEqualTo("\u007f");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,]", "{\"a\":1,}", "[,1]", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}", "['a']",
        "01", "-01", "[00]", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity",
        "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\'\"", "\"\\", "\"abc", "tru", "nul", "True",
        "[1] x", "{} {}", "1 2", "nullnull", "\"a\"\"b\"", "", " ", "[", "{", "]", "}", "{\"a\":1", "[1,2",
        "\u00a01", "1\u00a0", "/*c*/1", "1 // c", "\ufeff{}"
    })
    void rejectsInvalidJson(String text) {
        JsonException e = catchThrowableOfType(JsonException.class, () -> Json.parse(text));
        assertThat(e).as("'%s' must be rejected", text).isNotNull();
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":1}")).isInstanceOf(JsonException.class)
                .hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> Json.parse("{\"x\":{\"a\":null,\"b\":2,\"a\":null}}"))
                .isInstanceOf(JsonException.class).hasMessageContaining("duplicate key");
        // the same key after an escape is the same key
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"\\u0061\":2}")).isInstanceOf(JsonException.class);
    }

    @Test
    void rejectsRawControlCharactersInStrings() {
        for (char c = 0; c < 0x20; c++) {
            String text = "\"a" + c + "b\"";
            assertThatThrownBy(() -> Json.parse(text)).as("U+%04X", (int) c).isInstanceOf(JsonException.class)
                    .hasMessageContaining("control character");
        }
    }

    @Test
    void acceptsUnicodeEscapesOnlyWithAsciiHexDigits() {
        // Character.digit would read these as hex digits; RFC 8259 allows only 0-9, a-f, A-F
        for (String text : List.of("\"\\u００４１\"", "\"\\uＦＦＦＦ\"", "\"\\u٠٠٤١\"")) {
            assertThatThrownBy(() -> Json.parse(text)).as(text).isInstanceOf(JsonException.class);
        }
    }

    @Test
    void acceptsNestingUpTo64AndRejectsDeeper() {
        assertThat(Json.parse("[".repeat(64) + "]".repeat(64))).isInstanceOf(List.class);
        assertThat(Json.parse("{\"a\":".repeat(64) + "1" + "}".repeat(64))).isInstanceOf(Map.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(65) + "]".repeat(65))).isInstanceOf(JsonException.class)
                .hasMessageContaining("nesting");
        assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(65) + "1" + "}".repeat(65)))
                .isInstanceOf(JsonException.class).hasMessageContaining("nesting");
        // siblings do not add up: depth is about nesting, not count
        String wide = "[" + String.join(",", java.util.Collections.nCopies(1000, "[[[]]]")) + "]";
        assertThat((List<?>) Json.parse(wide)).hasSize(1000);
    }

    @Test
    void rejectsAVeryDeepDocumentWithoutAStackOverflow() {
        assertThatThrownBy(() -> Json.parse("[".repeat(1_000_000))).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(200_000))).isInstanceOf(JsonException.class);
    }

    @Test
    void rejectsOverlongNumbersAndOverflowingExponents() {
        assertThatThrownBy(() -> Json.parse("1" + "0".repeat(500))).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.parse("1e99999999999")).isInstanceOf(JsonException.class);
        assertThat(Json.parse("1" + "0".repeat(300))).isEqualTo(new BigDecimal("1" + "0".repeat(300)));
    }

    @Test
    void rejectsNullText() {
        assertThatThrownBy(() -> Json.parse(null)).isInstanceOf(JsonException.class);
    }

    @Test
    void parseObjectRejectsOtherValues() {
        for (String text : List.of("[]", "1", "\"{}\"", "null", "true")) {
            assertThatThrownBy(() -> Json.parseObject(text)).as(text).isInstanceOf(JsonException.class)
                    .hasMessageContaining("object");
        }
    }

    @Test
    void parsedArraysAreUnmodifiableAndObjectsKeepTheirOrder() {
        List<?> list = (List<?>) Json.parse("[1,2]");
        assertThatThrownBy(() -> list.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> m = Json.parseObject("{\"z\":1,\"a\":2,\"m\":3}");
        assertThat(m.keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void errorMessagesGiveAnOffsetButNeverTheInput() {
        String secret = "SENTINEL-json-8c1f0d7a5e2b4c39a1d6";
        List<String> broken = List.of(
                "{\"access_token\":\"" + secret + "\",}",
                "{\"access_token\":\"" + secret + "\"",
                "{\"access_token\":\"" + secret + "\n\"}",
                "{\"access_token\":\"" + secret + "\\q\"}",
                "{\"" + secret + "\":1,\"" + secret + "\":2}",
                "{\"access_token\":" + secret + "}",
                "[\"" + secret + "\"] " + secret,
                secret,
                "\"" + secret);
        for (String text : broken) {
            JsonException e = catchThrowableOfType(JsonException.class, () -> Json.parse(text));
            assertThat(e).as("must be rejected").isNotNull();
            assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("SENTINEL").doesNotContain("json-8c1f")
                    .containsPattern("offset \\d+|null|object");
        }
    }

    @Test
    void errorOffsetsPointAtTheProblem() {
        assertThatThrownBy(() -> Json.parse("[1,]")).hasMessageEndingWith("offset 3");
        assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("trailing content").hasMessageEndingWith("offset 3");
    }

    // ---- writing ----

    @Test
    void writesCompactAndPretty() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", Arrays.asList("x", null, true));
        m.put("c", Map.of());
        m.put("d", List.of());
        assertThat(Json.write(m, false)).isEqualTo("{\"a\":1,\"b\":[\"x\",null,true],\"c\":{},\"d\":[]}");
        assertThat(Json.write(m, true)).isEqualTo("""
                {
                  "a": 1,
                  "b": [
                    "x",
                    null,
                    true
                  ],
                  "c": {},
                  "d": []
                }""");
    }

    @Test
    void writesEveryNumberTypeAsAJsonNumber() {
        assertThat(Json.write(List.of(1, 2L, (short) 3, (byte) 4, BigInteger.valueOf(5), new BigDecimal("1.50"),
                new BigDecimal("1E+3"), 1.585002361532E12, 0.5f), false))
                .isEqualTo("[1,2,3,4,5,1.50,1000,1.585002361532E12,0.5]");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        String written = Json.write("q\" b\\ n\n r\r t\t b\b f\f nul\u0000 esc\u001b del\u007f", false);
        assertThat(written).isEqualTo("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f nul\\u0000 esc\\u001b del\u007f\"");
        assertThat(written.chars().filter(c -> c < 0x20).count()).isZero();
    }

    @Test
    void refusesToWriteWhatJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(Double.NaN, false)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.write(List.of(Float.POSITIVE_INFINITY), false)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.write(Map.of(1, "x"), false)).isInstanceOf(JsonException.class)
                .hasMessageContaining("keys");
        assertThatThrownBy(() -> Json.write(new Object(), false)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.write(java.util.Set.of("x"), false)).isInstanceOf(JsonException.class);
    }

    @Test
    void writesNullAsNull() {
        assertThat(Json.write(null, true)).isEqualTo("null");
    }
}
