package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link StrictJson}, the domain's {@code JsonPropertiesTest} carried over to the
 * Jackson configuration: generated documents survive a round trip (written by a plain Jackson
 * mapper), numbers keep every digit, and no refusal shows the input.
 */
class StrictJsonPropertiesTest {
    private static final ObjectMapper WRITER = new ObjectMapper();

    @Property(tries = 500)
    void parsingWhatWasWrittenGivesTheSameValue(@ForAll("documents") Object value) throws Exception {
        assertThat(normalised(StrictJson.parse(WRITER.writeValueAsString(value)))).isEqualTo(normalised(value));
        assertThat(normalised(StrictJson.parse(WRITER.writerWithDefaultPrettyPrinter().writeValueAsString(value))))
                .isEqualTo(normalised(value));
    }

    @Property(tries = 1000)
    void anyStringSurvivesARoundTrip(@ForAll("anyText") String text) throws Exception {
        String written = WRITER.writeValueAsString(text);
        assertThat(written.chars().filter(c -> c < 0x20).count()).as("raw control characters").isZero();
        assertThat(StrictJson.parse(written)).isEqualTo(text);
        Map<String, Object> keyed = new LinkedHashMap<>();
        keyed.put(text, text);
        assertThat(StrictJson.parseObject(WRITER.writeValueAsString(keyed))).isEqualTo(keyed);
    }

    @Property(tries = 500)
    void anyCharacterSurvivesAUnicodeEscape(@ForAll char c) throws Exception {
        String escaped = String.format("\"\\u%04x\"", (int) c);
        assertThat(StrictJson.parse(escaped)).isEqualTo(String.valueOf(c));
        assertThat(StrictJson.parse(escaped.toUpperCase(Locale.ROOT).replace("\\U", "\\u"))).isEqualTo(String.valueOf(c));
    }

    @Property(tries = 500)
    void numbersSurviveARoundTripExactly(@ForAll("numbers") BigDecimal n) throws Exception {
        for (String form : List.of(n.toPlainString(), n.toString())) {
            Object parsed = StrictJson.parse(form);
            assertThat(new BigDecimal(parsed.toString())).as(form).isEqualByComparingTo(n);
            if (parsed instanceof BigDecimal bd) {
                // written with a fraction or an exponent: read back digit for digit, scale included
                assertThat(bd).as(form).isEqualTo(new BigDecimal(form));
            }
        }
    }

    @Property(tries = 1000)
    void refusalsNeverContainTheInput(@ForAll("brokenDocuments") String text) {
        Throwable t = catchThrowable(() -> StrictJson.parse(text));
        if (t == null) {
            return; // the mutation happened to produce valid JSON
        }
        assertThat(t).isInstanceOf(StrictJson.Refused.class);
        assertThat(t.getMessage()).doesNotContain("SECRET").doesNotContain("c3f9a1");
    }

    /** The value with every number as a BigDecimal without trailing zeros, for comparing across writers. */
    private static Object normalised(Object v) {
        if (v instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(StrictJsonPropertiesTest::normalised).collect(Collectors.toList());
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> m = new LinkedHashMap<>();
            map.forEach((k, x) -> m.put(k, normalised(x)));
            return m;
        }
        return v;
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
                Arbitraries.of(BigDecimal.ZERO, new BigDecimal("1585002361532"), new BigDecimal("1585002361532.0"),
                        new BigDecimal("1.585002361532E12")));
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
