package dev.cnptoken.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DaemonDiscoveryBackoffTest {
    @Test
    void waitsOneSecondThenDoublesUpToThirtySecondsWithoutJitterInTheMiddle() {
        DiscoveryBackoff backoff = new DiscoveryBackoff(() -> 0.5);
        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delayAfter(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.delayAfter(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delayAfter(1_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void spreadsEachDelayByAtMostTwentyPercentEitherWay() {
        assertThat(new DiscoveryBackoff(() -> 0.0).delayAfter(1)).isEqualTo(Duration.ofMillis(800));
        assertThat(new DiscoveryBackoff(() -> 0.999_999).delayAfter(1)).isBetween(Duration.ofMillis(1199), Duration.ofMillis(1200));
        assertThat(new DiscoveryBackoff(() -> 0.0).delayAfter(10)).isEqualTo(Duration.ofSeconds(24));
        DiscoveryBackoff random = new DiscoveryBackoff();
        for (int i = 0; i < 100; i++) {
            assertThat(random.delayAfter(6)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(36));
        }
    }

    @Test
    void refusesAFailureCountBelowOne() {
        assertThatThrownBy(() -> new DiscoveryBackoff().delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
