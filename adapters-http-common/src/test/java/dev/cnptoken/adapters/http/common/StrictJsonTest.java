package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StrictJson}: the Jackson configuration accepts and refuses what the hand-written parser it
 * replaced did (the same inputs as that parser's tests), and its refusals never show the input.
 */
class StrictJsonTest {

    @Test
    void parsesEveryKindOfValue() throws Exception {
        Object v = StrictJson.parse(" {\"s\":\"x\",\"n\":-1.5e3,\"i\":0,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}],\"o\":{}}\n");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("s", "n", "i", "t", "f", "z", "a", "o");
        assertThat(m.get("s")).isEqualTo("x");
        assertThat(m.get("n")).isEqualTo(new BigDecimal("-1.5e3"));
        assertThat(m.get("i")).isEqualTo(BigInteger.ZERO);
        assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(m.get("f")).isEqualTo(Boolean.FALSE);
        assertThat(m.containsKey("z")).isTrue();
        assertThat(m.get("z")).isNull();
        assertThat(m.get("a")).isEqualTo(List.of(BigInteger.ONE, List.of(), Map.of()));
        assertThat(m.get("o")).isEqualTo(Map.of());
    }

    @Test
    void parsesBareTopLevelValues() throws Exception {
        assertThat(StrictJson.parse("\"x\"")).isEqualTo("x");
        assertThat(StrictJson.parse("1.585002361532E12")).isEqualTo(new BigDecimal("1.585002361532E12"));
        assertThat(StrictJson.parse("-0")).isEqualTo(BigInteger.ZERO);
        assertThat(StrictJson.parse("null")).isNull();
        assertThat(StrictJson.parse("\t true \r\n")).isEqualTo(true);
    }

    @Test
    void keepsTheDocumentedExpiresNumberExactly() throws Exception {
        Object expires = StrictJson.parseObject("{\"expires\": 1.585002361532E12}").get("expires");
        assertThat(expires).isInstanceOf(BigDecimal.class);
        assertThat(((BigDecimal) expires).longValueExact()).isEqualTo(1585002361532L);
        // a double would round these; BigDecimal keeps every digit
        assertThat(StrictJson.parse("1585002361532.0000000001")).isEqualTo(new BigDecimal("1585002361532.0000000001"));
        assertThat(StrictJson.parse("12345678901234567890123")).isEqualTo(new BigInteger("12345678901234567890123"));
    }

    @Test
    void numbersAreBigIntegersOrBigDecimalsOnly() throws Exception {
        assertThat(StrictJson.parse("7")).isInstanceOf(BigInteger.class);
        assertThat(StrictJson.parse("1585002361532")).isInstanceOf(BigInteger.class);
        assertThat(StrictJson.parse("7.0")).isInstanceOf(BigDecimal.class);
        assertThat(StrictJson.parse("7e0")).isInstanceOf(BigDecimal.class);
    }

    @Test
    void readsEveryEscape() throws Exception {
        assertThat(StrictJson.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"")).isEqualTo("\" \\ / \b \f \n \r \t");
        assertThat(StrictJson.parse("\"\\u0041\\u00e9\\u00E9\\u20AC\"")).isEqualTo("Aéé€");
        assertThat(StrictJson.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
        assertThat(StrictJson.parse("\"😀 raw\"")).isEqualTo("😀 raw");
        assertThat(StrictJson.parse("\"\\u0000\"")).isEqualTo("\u0000");
        assertThat(StrictJson.parse("\"\u007f\"")).isEqualTo("\u007f");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,]", "{\"a\":1,}", "[,1]", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}", "['a']",
        "01", "-01", "[00]", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity",
        "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\'\"", "\"\\", "\"abc", "tru", "nul", "True",
        "[1] x", "{} {}", "1 2", "nullnull", "\"a\"\"b\"", "", " ", "[", "{", "]", "}", "{\"a\":1", "[1,2",
        "\u00a01", "1\u00a0", "/*c*/1", "1 // c", "\ufeff{}",
        // beyond the domain parser's list: other white space, missing values, odd number forms
        "\f1", "\u000b1", "1\u0000", "[1,,2]", "[1e+]", "-NaN", "1.0e", "\u20281"
    })
    void rejectsInvalidJson(String text) {
        StrictJson.Refused e = catchThrowableOfType(StrictJson.Refused.class, () -> StrictJson.parse(text));
        assertThat(e).as("'%s' must be rejected", text).isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        // the same outcome for the bytes the adapters hand over
        assertThat(catchThrowableOfType(StrictJson.Refused.class,
                () -> StrictJson.parse(text.getBytes(StandardCharsets.UTF_8)))).as("'%s' as bytes", text).isNotNull();
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        byte[] latin1 = "{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf16 = "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE);
        byte[] overlong = {'"', (byte) 0xc0, (byte) 0xaf, '"'};
        byte[] loneSurrogate = {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'};
        for (byte[] bytes : List.of(latin1, utf16, overlong, loneSurrogate)) {
            assertThatThrownBy(() -> StrictJson.parse(bytes)).isInstanceOf(StrictJson.Refused.class);
        }
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> StrictJson.parse("{\"a\":1,\"a\":1}")).isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse("{\"x\":{\"a\":null,\"b\":2,\"a\":null}}"))
                .isInstanceOf(StrictJson.Refused.class);
        // the same key after an escape is the same key
        assertThatThrownBy(() -> StrictJson.parse("{\"a\":1,\"\\u0061\":2}")).isInstanceOf(StrictJson.Refused.class);
    }

    @Test
    void rejectsRawControlCharactersInStrings() {
        for (char c = 0; c < 0x20; c++) {
            String text = "\"a" + c + "b\"";
            assertThatThrownBy(() -> StrictJson.parse(text)).as("U+%04X", (int) c).isInstanceOf(StrictJson.Refused.class);
        }
    }

    @Test
    void acceptsUnicodeEscapesOnlyWithAsciiHexDigits() {
        for (String text : List.of("\"\\u００４１\"", "\"\\uＦＦＦＦ\"", "\"\\u٠٠٤١\"")) {
            assertThatThrownBy(() -> StrictJson.parse(text)).as(text).isInstanceOf(StrictJson.Refused.class);
        }
    }

    @Test
    void acceptsNestingUpTo64AndRejectsDeeper() throws Exception {
        assertThat(StrictJson.parse("[".repeat(64) + "]".repeat(64))).isInstanceOf(List.class);
        assertThat(StrictJson.parse("{\"a\":".repeat(64) + "1" + "}".repeat(64))).isInstanceOf(Map.class);
        assertThatThrownBy(() -> StrictJson.parse("[".repeat(65) + "]".repeat(65))).isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse("{\"a\":".repeat(65) + "1" + "}".repeat(65)))
                .isInstanceOf(StrictJson.Refused.class);
        // siblings do not add up: depth is about nesting, not count
        String wide = "[" + String.join(",", Collections.nCopies(1000, "[[[]]]")) + "]";
        assertThat((List<?>) StrictJson.parse(wide)).hasSize(1000);
    }

    @Test
    void rejectsAVeryDeepDocumentWithoutAStackOverflow() {
        assertThatThrownBy(() -> StrictJson.parse("[".repeat(1_000_000))).isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse("{\"a\":".repeat(200_000))).isInstanceOf(StrictJson.Refused.class);
    }

    @Test
    void rejectsOverlongNumbersAndOverflowingExponents() throws Exception {
        assertThatThrownBy(() -> StrictJson.parse("1" + "0".repeat(500))).isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse("1." + "0".repeat(500))).isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse("1e99999999999")).isInstanceOf(StrictJson.Refused.class);
        assertThat(StrictJson.parse("1" + "0".repeat(300))).isEqualTo(new BigInteger("1" + "0".repeat(300)));
    }

    @Test
    void rejectsStringsAndDocumentsBeyondTheLengthLimit() throws Exception {
        String longest = "\"" + "x".repeat(StrictJson.MAX_LENGTH - 2) + "\"";
        assertThat(StrictJson.parse(longest)).isInstanceOf(String.class);
        assertThatThrownBy(() -> StrictJson.parse("\"" + "x".repeat(StrictJson.MAX_LENGTH) + "\""))
                .isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse("[" + " ".repeat(StrictJson.MAX_LENGTH) + "]"))
                .isInstanceOf(StrictJson.Refused.class);
    }

    @Test
    void rejectsNullText() {
        assertThatThrownBy(() -> StrictJson.parse((String) null)).isInstanceOf(StrictJson.Refused.class);
        assertThatThrownBy(() -> StrictJson.parse((byte[]) null)).isInstanceOf(StrictJson.Refused.class);
    }

    @Test
    void parseObjectRejectsOtherValues() {
        for (String text : List.of("[]", "1", "\"{}\"", "null", "true")) {
            assertThatThrownBy(() -> StrictJson.parseObject(text)).as(text).isInstanceOf(StrictJson.Refused.class)
                    .hasMessageContaining("object");
        }
    }

    @Test
    void objectsKeepTheirOrder() throws Exception {
        Map<String, Object> m = StrictJson.parseObject("{\"z\":1,\"a\":2,\"m\":3}");
        assertThat(m.keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void refusalsGiveAPositionButNeverTheInput() {
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
                "\"" + secret,
                "[1e99999999999,\"" + secret + "\"]");
        for (String text : broken) {
            StrictJson.Refused e = catchThrowableOfType(StrictJson.Refused.class, () -> StrictJson.parse(text));
            assertThat(e).as("must be rejected").isNotNull();
            assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("SENTINEL").doesNotContain("json-8c1f")
                    .containsPattern("line \\d+, column \\d+|out of range");
            assertThat(e.getCause()).isNull();
            assertThat(e.getStackTrace()).isEmpty();
        }
    }
}
