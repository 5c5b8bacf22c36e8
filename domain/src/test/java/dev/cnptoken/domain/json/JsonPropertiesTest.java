package dev.cnptoken.domain.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Properties of {@link Json}: round trips over generated documents, and no input in any error. */
class JsonPropertiesTest {

    @Property(tries = 500)
    void parsingWhatWasWrittenGivesTheSameValue(@ForAll("documents") Object value) {
        assertThat(Json.parse(Json.write(value, false))).isEqualTo(value);
        assertThat(Json.parse(Json.write(value, true))).isEqualTo(value);
    }

    @Property(tries = 500)
    void writingIsStableAcrossARoundTrip(@ForAll("documents") Object value) {
        String compact = Json.write(value, false);
        assertThat(Json.write(Json.parse(compact), false)).isEqualTo(compact);
        String pretty = Json.write(value, true);
        assertThat(Json.write(Json.parse(pretty), true)).isEqualTo(pretty);
    }

    @Property(tries = 1000)
    void anyStringSurvivesARoundTrip(@ForAll("anyText") String text) {
        String written = Json.write(text, false);
        assertThat(written.chars().filter(c -> c < 0x20).count()).as("raw control characters").isZero();
        assertThat(Json.parse(written)).isEqualTo(text);
        Map<String, Object> keyed = new LinkedHashMap<>();
        keyed.put(text, text);
        assertThat(Json.parseObject(Json.write(keyed, true))).isEqualTo(keyed);
    }

    @Property(tries = 500)
    void anyCharacterSurvivesAUnicodeEscape(@ForAll char c) {
        String escaped = String.format("\"\\u%04x\"", (int) c);
        assertThat(Json.parse(escaped)).isEqualTo(String.valueOf(c));
        assertThat(Json.parse(escaped.toUpperCase(java.util.Locale.ROOT).replace("\\U", "\\u")))
                .isEqualTo(String.valueOf(c));
    }

    @Property(tries = 500)
    void numbersSurviveARoundTripExactly(@ForAll("numbers") BigDecimal n) {
        assertThat(Json.parse(Json.write(n, false))).isEqualTo(n);
        assertThat(Json.parse(n.toString())).isEqualTo(n); // exponent form as well
    }

    @Property(tries = 1000)
    void errorMessagesNeverContainTheInput(@ForAll("brokenDocuments") String text) {
        Throwable t = catchThrowable(() -> Json.parse(text));
        if (t == null) {
            return; // the mutation happened to produce valid JSON
        }
        assertThat(t).isInstanceOf(JsonException.class);
        assertThat(t.getMessage()).doesNotContain("SECRET").doesNotContain("c3f9a1");
    }

    // ---- arbitraries ----

    @Provide
    Arbitrary<Object> documents() {
        return Arbitraries.recursive(this::leaves, this::containers, 0, 5);
    }

    private Arbitrary<Object> leaves() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, anyText().map(s -> (Object) s)),
                Tuple.of(3, numbers().map(n -> (Object) n)),
                Tuple.of(1, Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b)),
                Tuple.of(1, Arbitraries.just((Object) null)));
    }

    private Arbitrary<Object> containers(Arbitrary<Object> inner) {
        Arbitrary<Object> lists = inner.list().ofMaxSize(4).map(l -> (Object) l);
        Arbitrary<Object> maps = Arbitraries.entries(anyText(), inner).list().ofMaxSize(4).map(entries -> {
            Map<String, Object> m = new LinkedHashMap<>();
            entries.forEach(e -> m.put(e.getKey(), e.getValue()));
            return (Object) m;
        });
        return Arbitraries.oneOf(lists, maps, inner);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(12),
                Arbitraries.strings().withChars("\"\\/\b\f\n\r\t\u0000\u001f\u2028\ud83d\ude00").ofMaxLength(8));
    }

    @Provide
    Arbitrary<BigDecimal> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(BigDecimal::valueOf),
                Arbitraries.bigDecimals().between(new BigDecimal("-1e15"), new BigDecimal("1e15")).ofScale(3),
                Arbitraries.bigDecimals().between(new BigDecimal("-1"), new BigDecimal("1")).ofScale(12),
                Arbitraries.of(BigDecimal.ZERO, new BigDecimal("1585002361532"), new BigDecimal("1585002361532.0")));
    }

    @Provide
    Arbitrary<String> brokenDocuments() {
        String secret = "SECRET-c3f9a1";
        Arbitrary<String> valid = Arbitraries.of(
                "{\"access_token\":\"" + secret + "\",\"expires\":1.585002361532E12}",
                "[\"" + secret + "\",{\"k\":[true,false,null]}]",
                "{\"" + secret + "\":{\"" + secret + "\":1e5}}");
        Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]\",:\\ tfn01-eE.\u0000\n").ofMinLength(1).ofMaxLength(3);
        return Arbitraries.oneOf(
                // cut somewhere
                valid.flatMap(v -> Arbitraries.integers().between(0, v.length() - 1).map(i -> v.substring(0, i))),
                // noise inserted somewhere
                valid.flatMap(v -> Arbitraries.integers().between(0, v.length())
                        .flatMap(i -> noise.map(n -> v.substring(0, i) + n + v.substring(i)))),
                // a character replaced
                valid.flatMap(v -> Arbitraries.integers().between(0, v.length() - 1)
                        .flatMap(i -> noise.map(n -> v.substring(0, i) + n.charAt(0) + v.substring(i + 1)))),
                // the secret itself as unquoted text
                Arbitraries.of(secret, secret + "{", "[" + secret + "]", "{\"a\":" + secret + "}"));
    }

}
