package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RetryAfter#parse}: delay-seconds or an HTTP-date, relative to {@code now}. */
class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2015-10-21T07:27:00Z");

    @Test
    void readsDelaySeconds() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("0", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(" 7 ", NOW)).contains(Duration.ofSeconds(7));
    }

    @Property(tries = 300)
    void readsAnyDelaySecondsUpToNineDigits(@ForAll @LongRange(min = 0, max = 999_999_999L) long seconds) {
        assertThat(RetryAfter.parse(Long.toString(seconds), NOW)).contains(Duration.ofSeconds(seconds));
    }

    @Test
    void readsDelaySecondsWithLeadingZeros() {
        assertThat(RetryAfter.parse("0000000005", NOW)).contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse("000", NOW)).contains(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000", "99999999999999999999", "184467440737095516160000"})
    void capsHugeDelaysInsteadOfOverflowing(String header) {
        assertThat(RetryAfter.parse(header, NOW)).contains(Duration.ofSeconds(999_999_999L));
    }

    @Test
    void readsAnHttpDateInTheFuture() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).contains(Duration.ofMinutes(1));
    }

    @Property(tries = 200)
    void readsAnyHttpDateAheadOfNow(@ForAll @LongRange(min = 0, max = 10_000_000L) long seconds) {
        String header = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(seconds).atOffset(ZoneOffset.UTC));
        assertThat(RetryAfter.parse(header, NOW)).contains(Duration.ofSeconds(seconds));
    }

    @Test
    void readsAnHttpDateInThePastAsZero() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:26:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("Thu, 01 Jan 1970 00:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", "soon", "-5", "+5", "1.5", "5s", "5 s", "1e3", "0x10", "Wed, 32 Oct 2015 07:28:00 GMT",
        "2015-10-21T07:28:00Z", "21 Oct 2015", "Wed, 21 Oct 2015 07:28:00", "Retry-After: 5"})
    void isEmptyForAnythingElse(String header) {
        assertThat(RetryAfter.parse(header, NOW)).isEmpty();
    }

    @Test
    void neverReturnsANegativeDelay() {
        for (String header : Arrays.asList("0", "Mon, 01 Jan 2001 00:00:00 GMT", "Wed, 21 Oct 2015 07:26:59 GMT")) {
            assertThat(RetryAfter.parse(header, NOW)).hasValueSatisfying(d -> assertThat(d.isNegative()).isFalse());
        }
    }
}
