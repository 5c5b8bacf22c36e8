package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.TokenException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ExpiresField#parse}: every accepted form of epoch milliseconds, and the rejects. */
class ParseExpiresTest {
    private static final long EARLIEST = 1_000_000_000_000L;
    /** 2100-01-01T00:00:00Z in epoch milliseconds: the latest accepted value. */
    private static final long LATEST = 4_102_444_800_000L;

    // ---- the documented sample ----

    @Test
    void readsTheDocumentedSampleInExponentForm() {
        Instant expected = Instant.parse("2020-03-23T22:26:01.532Z");
        assertThat(ExpiresField.parse(1.585002361532E12)).isEqualTo(expected);
        assertThat(ExpiresField.parse(new BigDecimal("1.585002361532E12"))).isEqualTo(expected);
        assertThat(ExpiresField.parse("1.585002361532E12")).isEqualTo(expected);
        assertThat(ExpiresField.parse(1585002361532L)).isEqualTo(expected);
        assertThat(ExpiresField.parse("1585002361532.0")).isEqualTo(expected);
    }

    @Test
    void acceptsTheLatestPlausibleExpiryItself() {
        assertThat(ExpiresField.parse(LATEST)).isEqualTo(ExpiresField.LATEST_PLAUSIBLE_EXPIRY);
        assertThat(ExpiresField.LATEST_PLAUSIBLE_EXPIRY).isEqualTo(Instant.parse("2100-01-01T00:00:00Z"));
    }

    @Test
    void acceptsBigIntegersAndFloats() {
        assertThat(ExpiresField.parse(BigInteger.valueOf(1585002361532L)))
                .isEqualTo(Instant.ofEpochMilli(1585002361532L));
        // a float holds about 7 digits: it is read as the decimal it prints as
        assertThat(ExpiresField.parse(2.0E12f))
                .isEqualTo(Instant.ofEpochMilli(new BigDecimal(Float.toString(2.0E12f)).longValueExact()));
    }

    @Test
    void refusesValuesThatLookLikeEpochSecondsNamingTheMistake() {
        for (Object seconds : List.<Object>of(1585002361, 1585002361L, "1585002361", 1.585002361E9, (short) 1000, (byte) 7,
                EARLIEST - 1)) {
            assertThat(assertMalformed(seconds).getMessage()).contains("expires").contains("epoch seconds");
        }
        assertThat(ExpiresField.parse(EARLIEST)).isEqualTo(ExpiresField.EARLIEST_PLAUSIBLE_EXPIRY);
    }

    // ---- accepted forms, property-based ----

    @Property(tries = 500)
    void readsEveryWholeNumberForm(@ForAll("plausibleMillis") long millis) {
        Instant expected = Instant.ofEpochMilli(millis);
        String plain = Long.toString(millis);
        String exponent = Double.toString((double) millis); // e.g. 1.585002361532E12, exact below 2^53
        for (Object form : List.of(
                millis,
                (double) millis,
                new BigDecimal(plain),
                new BigDecimal(plain + ".0"),
                new BigDecimal(exponent),
                new BigDecimal(exponent.replace('E', 'e')),
                BigInteger.valueOf(millis),
                plain,
                plain + ".0",
                plain + ".000",
                exponent,
                exponent.replace("E", "e+"))) {
            assertThat(ExpiresField.parse(form)).as("form %s (%s)", form, form.getClass().getSimpleName())
                    .isEqualTo(expected);
        }
    }

    @Property(tries = 300)
    void refusesEveryValueBeforeTheEarliestPlausibleExpiry(@ForAll @LongRange(min = 1, max = EARLIEST - 1) long millis) {
        assertThat(assertMalformed(millis).getMessage()).contains("epoch seconds");
        assertThat(assertMalformed(Long.toString(millis)).getMessage()).contains("epoch seconds");
    }

    @Property(tries = 500)
    void dropsTheFractionOfAMillisecond(
            @ForAll("millisBeforeTheLatest") long millis, @ForAll("fractionDigits") String fraction) {
        Instant expected = Instant.ofEpochMilli(millis);
        String decimal = millis + "." + fraction;
        assertThat(ExpiresField.parse(new BigDecimal(decimal))).isEqualTo(expected);
        assertThat(ExpiresField.parse(decimal)).isEqualTo(expected);
        // the same value in exponent form: move the decimal point
        String digits = millis + fraction;
        String exponentForm = digits.charAt(0) + "." + digits.substring(1) + "E" + (Long.toString(millis).length() - 1);
        assertThat(ExpiresField.parse(exponentForm)).isEqualTo(expected);
        assertThat(ExpiresField.parse(new BigDecimal(exponentForm))).isEqualTo(expected);
    }

    @Property(tries = 300)
    void floorsADoubleWithAHalfMillisecond(@ForAll("millisBeforeTheLatest") long millis) {
        double withHalf = millis + 0.5; // exact: millis < 2^52
        assertThat(ExpiresField.parse(withHalf)).isEqualTo(Instant.ofEpochMilli(millis));
        assertThat(ExpiresField.parse(Double.toString(withHalf))).isEqualTo(Instant.ofEpochMilli(millis));
    }

    // ---- rejected forms ----

    @Example
    void rejectsNull() {
        assertMalformed(null);
    }

    @Property(tries = 300)
    void rejectsNegativeValuesInEveryForm(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long magnitude) {
        long negative = -magnitude;
        assertMalformed(negative);
        assertMalformed(new BigDecimal(negative));
        assertMalformed(Long.toString(negative));
        assertMalformed((double) negative);
        assertMalformed(Double.toString((double) negative));
    }

    @Test
    void rejectsZeroInEveryForm() {
        for (Object zero : List.of(0, 0L, 0.0, -0.0, BigDecimal.ZERO, new BigDecimal("0.000"), new BigDecimal("0E+5"),
                BigInteger.ZERO, "0", "0.0", "-0", "0e10", "0.0E0")) {
            assertMalformed(zero);
        }
    }

    @Test
    void rejectsValuesBelowOneMillisecondThatWouldFloorToTheEpoch() {
        for (Object tiny : List.of(0.5, new BigDecimal("0.999"), "0.001", "1e-3", new BigDecimal("1E-20"))) {
            assertMalformed(tiny);
        }
    }

    @Test
    void rejectsNonFiniteDoubles() {
        for (Object nonFinite : List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN,
                Float.POSITIVE_INFINITY)) {
            assertMalformed(nonFinite);
        }
    }

    @Property(tries = 300)
    void rejectsValuesAfter2100(@ForAll @LongRange(min = LATEST + 1, max = Long.MAX_VALUE) long millis) {
        assertMalformed(millis);
        assertMalformed(Long.toString(millis));
        assertMalformed(new BigDecimal(millis));
        assertMalformed(BigInteger.valueOf(millis).multiply(BigInteger.TEN));
    }

    @Test
    void rejectsValuesJustAfter2100AndAbsurdlyLargeOnes() {
        for (Object late : List.of(LATEST + 1, new BigDecimal(LATEST + ".001"), (LATEST + 1) + ".0",
                Double.MAX_VALUE, 1e300, "1e20", "9".repeat(60), new BigDecimal("1E+999999999"), "1e999999999",
                BigInteger.TEN.pow(500))) {
            assertMalformed(late);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // guards against a hang, not a speed check
    void rejectsExponentsBeyondWhatBigDecimalCanHoldWithoutThrowingALibraryException() {
        // exponents that overflow an int make new BigDecimal(String) throw NumberFormatException
        assertMalformed("1e99999999999");
        assertMalformed("1e-99999999999");
        // a positive value with an enormous negative exponent must not send floor() into a 10^n division
        assertMalformed("1e-99999999");
        assertMalformed(new BigDecimal("1e-99999999"));
    }

    @Property(tries = 300)
    void rejectsStringsThatAreNotPlainNumbers(@ForAll("nonNumericStrings") String text) {
        assertMalformed(text);
    }

    @Test
    void rejectsNumericLookingStringsOutsideThePlainGrammar() {
        for (String s : List.of("", " ", "1585002361532 ", " 1585002361532", "1585 002361532", "\t1585002361532",
                "1585002361532\n", "+1585002361532", "0x1710A4A8D3C", "1_585_002_361_532", "1,585,002,361,532",
                "1585002361532.", ".5", "1e", "1e+", "1.5E", "NaN", "Infinity", "-Infinity", "\"1585002361532\"",
                "١٥٨٥٠٠٢٣٦١٥٣٢", "１５８５００２３６１５３２", "1585002361532L", "1585002361532d", "true", "null")) {
            assertMalformed(s);
        }
    }

    @Test
    void rejectsBooleansObjectsAndArrays() {
        for (Object other : List.of(true, false, Map.of("expires", 1585002361532L), List.of(1585002361532L),
                List.of(), Map.of(), new Object(), Instant.parse("2020-03-23T22:26:01.532Z"))) {
            assertMalformed(other);
        }
    }

    @Test
    void neverEchoesARejectedStringValue() {
        String secretish = TestSecrets.sentinel("expires");
        TokenException e = assertMalformed(secretish);
        TestSecrets.assertNoSecret(e.getMessage(), secretish);
        TestSecrets.assertNoSecret(((Failure.Malformed) e.failure()).detail(), secretish);
    }

    @Test
    void tokenExceptionsFromTheWireRulesHoldNoSecret() {
        // moved from the domain's FailureTest with the rules themselves
        String access = TestSecrets.sentinel("access");
        String refresh = TestSecrets.sentinel("refresh");
        for (Object expires : new Object[] {access, "-" + refresh, Double.NaN, List.of(access)}) {
            TokenException e = catchThrowableOfType(TokenException.class, () -> ExpiresField.parse(expires));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).doesNotContain("SENTINEL");
            assertThat(String.valueOf(e)).doesNotContain("SENTINEL");
            assertThat(FailureNote.of(e.failure(), Instant.EPOCH).toString()).doesNotContain("SENTINEL");
        }
    }

    // ---- arbitraries and helpers ----

    @Provide
    Arbitrary<Long> plausibleMillis() {
        return Arbitraries.oneOf(
                // the region real tokens live in: 2001-09-09..2100
                Arbitraries.longs().between(EARLIEST, LATEST),
                Arbitraries.of(EARLIEST, EARLIEST + 1, 1585002361532L, LATEST - 1, LATEST));
    }

    /** As {@link #plausibleMillis()}, but leaving room for a fraction before the latest accepted value. */
    @Provide
    Arbitrary<Long> millisBeforeTheLatest() {
        return plausibleMillis().filter(m -> m < LATEST);
    }

    @Provide
    Arbitrary<String> fractionDigits() {
        return Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> nonNumericStrings() {
        Arbitrary<String> withLetter = Combine.around(
                Arbitraries.strings().numeric().ofMaxLength(8),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').excludeChars('e', 'E')
                        .ofMinLength(1).ofMaxLength(4),
                Arbitraries.strings().numeric().ofMaxLength(8));
        Arbitrary<String> withSpace = Combine.around(
                Arbitraries.strings().numeric().ofMaxLength(13),
                Arbitraries.strings().whitespace().ofMinLength(1).ofMaxLength(3),
                Arbitraries.strings().numeric().ofMaxLength(13));
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(30)
                .filter(s -> !s.matches("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?"));
        Arbitrary<String> tooLong = Arbitraries.strings().numeric().ofMinLength(65).ofMaxLength(100)
                .map(s -> "1" + s);
        return Arbitraries.oneOf(withLetter, withSpace, anything, tooLong);
    }

    /** Joins three string arbitraries into one. */
    private static final class Combine {
        static Arbitrary<String> around(Arbitrary<String> a, Arbitrary<String> b, Arbitrary<String> c) {
            return net.jqwik.api.Combinators.combine(a, b, c).as((x, y, z) -> x + y + z);
        }
    }

    private static TokenException assertMalformed(Object raw) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> ExpiresField.parse(raw));
        assertThat(e).as("parseExpires(%s) must throw TokenException", describe(raw)).isNotNull();
        assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
        assertThat(((Failure.Malformed) e.failure()).detail()).contains("expires");
        assertThat(e.getMessage()).contains("expires");
        assertThat(e.retryable()).isTrue();
        return e;
    }

    private static String describe(Object raw) {
        return raw == null ? "null" : "\"" + raw + "\" (" + raw.getClass().getSimpleName() + ")";
    }
}
