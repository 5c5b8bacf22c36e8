package dev.cnptoken.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void parsesDurationsInShortAndIsoForms() {
        assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("8h")).isEqualTo(Duration.ofHours(8));
        assertThat(DurationText.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void readsASignSoThatBoundsCanRefuseANegativeValue() {
        assertThat(DurationText.parse("-5m")).isEqualTo(Duration.ofMinutes(-5));
        assertThat(DurationText.parse("+5m")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> DurationText.parse("soon")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> DurationText.parse("99999999999999999999d")).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(DurationText.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationText.format(Duration.ofDays(1))).isEqualTo("1d");
    }
}
