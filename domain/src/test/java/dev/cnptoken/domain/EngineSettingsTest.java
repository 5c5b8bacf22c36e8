package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.engine.EngineSettings;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineSettings}: the defaults and the validation of every value. (It lives beside the value
 * tests; the engine's own tests are in the engine package.)
 */
class EngineSettingsTest {
    private static final EngineSettings D = EngineSettings.defaults();

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(D.refreshMargin()).isEqualTo(Duration.ofMinutes(5));
        assertThat(D.marginFraction()).isEqualTo(0.2);
        assertThat(D.maxJitter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(D.jitterFraction()).isEqualTo(0.1);
        assertThat(D.expirySkew()).isEqualTo(Duration.ofSeconds(10));
        assertThat(D.refreshTokenLifetime()).isEqualTo(Duration.ofHours(8));
        assertThat(D.reloginMargin()).isEqualTo(Duration.ofMinutes(30));
        assertThat(D.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(D.backoffCap()).isEqualTo(Duration.ofMinutes(5));
        assertThat(D.maxRetryAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(D.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(D.leasePollInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void withMethodsChangeOnlyTheirValues() {
        EngineSettings s = D.withRefreshMargin(Duration.ofMinutes(2))
                .withMarginFraction(0.3)
                .withJitter(Duration.ofSeconds(5), 0.05)
                .withExpirySkew(Duration.ZERO)
                .withRefreshTokenLifetime(Duration.ofHours(4), Duration.ofMinutes(10))
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ZERO)
                .withLease(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(s).isEqualTo(new EngineSettings(Duration.ofMinutes(2), 0.3, Duration.ofSeconds(5), 0.05, Duration.ZERO,
                Duration.ofHours(4), Duration.ofMinutes(10), Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ZERO,
                Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertThat(D.withJitter(Duration.ZERO, 0.0).maxJitter()).isZero();
        assertThat(D.withMarginFraction(0.0).marginFraction()).isZero();
    }

    @Test
    void namesTheFieldOfANonPositiveDuration() {
        assertRejected(s -> s.withRefreshMargin(Duration.ZERO), "refreshMargin");
        assertRejected(s -> s.withRefreshMargin(Duration.ofSeconds(-1)), "refreshMargin");
        assertRejected(s -> s.withRefreshTokenLifetime(Duration.ZERO, Duration.ofMinutes(1)), "refreshTokenLifetime");
        assertRejected(s -> s.withRefreshTokenLifetime(Duration.ofHours(8), Duration.ZERO), "reloginMargin");
        assertRejected(s -> s.withBackoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO), "backoffBase");
        assertRejected(s -> s.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(-5), Duration.ZERO), "backoffCap");
        assertRejected(s -> s.withLease(Duration.ZERO, Duration.ofMillis(1)), "leaseDuration");
        assertRejected(s -> s.withLease(Duration.ofSeconds(1), Duration.ZERO), "leasePollInterval");
    }

    @Test
    void namesTheFieldOfANegativeDuration() {
        assertRejected(s -> s.withJitter(Duration.ofMillis(-1), 0.1), "maxJitter");
        assertRejected(s -> s.withExpirySkew(Duration.ofMillis(-1)), "expirySkew");
        assertRejected(s -> s.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(-1)),
                "maxRetryAfter");
    }

    @Test
    void namesTheFieldOfAFractionOutsideZeroToOne() {
        for (double bad : new double[] {-0.01, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertRejected(s -> s.withMarginFraction(bad), "marginFraction");
            assertRejected(s -> s.withJitter(Duration.ofSeconds(1), bad), "jitterFraction");
        }
    }

    @Test
    void namesTheFieldsOfInconsistentValues() {
        assertRejected(s -> s.withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(9), Duration.ZERO), "backoffCap",
                "backoffBase");
        assertRejected(s -> s.withMarginFraction(0.6).withJitter(Duration.ofSeconds(1), 0.4), "marginFraction",
                "jitterFraction");
        assertRejected(s -> s.withRefreshTokenLifetime(Duration.ofHours(1), Duration.ofHours(1)), "reloginMargin",
                "refreshTokenLifetime");
        assertRejected(s -> s.withLease(Duration.ofSeconds(1), Duration.ofSeconds(2)), "leasePollInterval",
                "leaseDuration");
    }

    @Test
    void namesTheFieldOfANull() {
        assertNull(s -> s.withRefreshMargin(null), "refreshMargin == null");
        assertNull(s -> s.withJitter(null, 0.1), "maxJitter == null");
        assertNull(s -> s.withExpirySkew(null), "expirySkew == null");
        assertNull(s -> s.withRefreshTokenLifetime(null, Duration.ofMinutes(1)), "refreshTokenLifetime == null");
        assertNull(s -> s.withRefreshTokenLifetime(Duration.ofHours(1), null), "reloginMargin == null");
        assertNull(s -> s.withBackoff(null, Duration.ofSeconds(1), Duration.ZERO), "backoffBase == null");
        assertNull(s -> s.withBackoff(Duration.ofSeconds(1), null, Duration.ZERO), "backoffCap == null");
        assertNull(s -> s.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1), null), "maxRetryAfter == null");
        assertNull(s -> s.withLease(null, Duration.ofSeconds(1)), "leaseDuration == null");
        assertNull(s -> s.withLease(Duration.ofSeconds(1), null), "leasePollInterval == null");
    }

    private static void assertRejected(Function<EngineSettings, EngineSettings> change, String... fields) {
        assertThatThrownBy(() -> change.apply(D)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(fields);
    }

    private static void assertNull(Function<EngineSettings, EngineSettings> change, String message) {
        assertThatThrownBy(() -> change.apply(D)).isInstanceOf(NullPointerException.class).hasMessage(message);
    }
}
