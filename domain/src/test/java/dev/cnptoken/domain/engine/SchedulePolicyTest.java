package dev.cnptoken.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulePolicyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final SchedulePolicy policy = new SchedulePolicy(EngineSettings.defaults());

    /** A state whose access token was obtained at T0 and lives {@code lifetime}; its refresh token was issued at {@code refreshIssuedAt}. */
    private static TokenState state(Duration lifetime, Instant refreshIssuedAt) {
        return new TokenState(new AccessToken("a"), "bearer", T0.plus(lifetime), new RefreshToken("r"), refreshIssuedAt, T0,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Failure unavailable(Optional<Duration> retryAfter) {
        return new Failure.Unavailable(OptionalInt.of(503), retryAfter, "refresh answered HTTP 503");
    }

    @Test
    void theMarginIsTheConfiguredOneForALongLivedToken() {
        assertThat(policy.cappedMargin(Duration.ofMinutes(5), Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.plannedRefreshAt(state(Duration.ofMinutes(30), T0), 0.0)).isEqualTo(T0.plus(Duration.ofMinutes(25)));
    }

    @Test
    void theMarginIsCappedAtTwentyPercentOfTheLifetime() {
        assertThat(policy.cappedMargin(Duration.ofMinutes(5), Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(2));
        assertThat(policy.cappedMargin(Duration.ofMinutes(5), Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(24));
        assertThat(policy.plannedRefreshAt(state(Duration.ofMinutes(2), T0), 0.0)).isEqualTo(T0.plusSeconds(120 - 24));
    }

    @Test
    void aTokenStoredAfterItsExpiryHasNoMarginAndNoJitter() {
        TokenState odd = new TokenState(new AccessToken("a"), "bearer", T0, new RefreshToken("r"), T0, T0.plusSeconds(60),
                Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(policy.plannedRefreshAt(odd, 0.999)).isEqualTo(T0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.25, 0.5, 0.999})
    void theJitterIsTheDrawnShareOfAtMostOneMinuteAndTenPercentOfTheLifetime(double u) {
        Instant expiry = T0.plus(Duration.ofMinutes(30));
        assertThat(policy.maxJitter(Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(1));
        assertThat(policy.plannedRefreshAt(state(Duration.ofMinutes(30), T0), u))
                .isEqualTo(expiry.minus(Duration.ofMinutes(5)).minusNanos((long) (Duration.ofMinutes(1).toNanos() * u)));

        assertThat(policy.maxJitter(Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(12));
        assertThat(policy.plannedRefreshAt(state(Duration.ofMinutes(2), T0), u))
                .isBetween(T0.plusSeconds(120 - 24 - 12), T0.plusSeconds(120 - 24));
    }

    @Test
    void logsInAgainHalfAnHourBeforeTheEightHourRefreshTokenRunsOut() {
        Instant issued = T0.minus(Duration.ofHours(2));

        assertThat(policy.reloginAt(state(Duration.ofMinutes(30), issued))).isEqualTo(issued.plus(Duration.ofMinutes(450)));
    }

    @Test
    void theReloginMarginIsCappedAtItsShareOfTheRefreshTokenLifetime() {
        SchedulePolicy shortLived = new SchedulePolicy(EngineSettings.defaults()
                .withRefreshTokenLifetime(Duration.ofHours(1), Duration.ofMinutes(30)));

        assertThat(shortLived.reloginAt(state(Duration.ofMinutes(30), T0))).isEqualTo(T0.plus(Duration.ofMinutes(48)));
    }

    @Test
    void fallsDueAtTheReloginWhenItComesBeforeThePlannedRefreshUnlessNoCredentialIsAtHand() {
        Instant issued = T0.minus(Duration.ofMinutes(450)).plus(Duration.ofMinutes(10)); // re-login due at T0 + 10 min
        TokenState s = state(Duration.ofMinutes(30), issued);
        Instant planned = policy.plannedRefreshAt(s, 0.0);

        assertThat(policy.dueAt(s, planned, false)).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(policy.dueAt(s, planned, true)).isEqualTo(planned);
    }

    @Test
    void neverFallsDueAfterTheTokenStopsBeingValid() {
        TokenState s = state(Duration.ofMinutes(30), T0);

        assertThat(policy.validUntil(s)).isEqualTo(T0.plus(Duration.ofMinutes(30)).minusSeconds(10));
        assertThat(policy.dueAt(s, T0.plus(Duration.ofHours(1)), true)).isEqualTo(policy.validUntil(s));
    }

    @Test
    void theLatestDueTimeIsThePlanWithoutJitter() {
        TokenState s = state(Duration.ofMinutes(30), T0);

        assertThat(policy.latestDueAt(s)).isEqualTo(T0.plus(Duration.ofMinutes(25)));
        assertThat(policy.latestDueAt(s)).isAfterOrEqualTo(policy.dueAt(s, policy.plannedRefreshAt(s, 0.999), false));
    }

    @Test
    void backoffGrowsExponentiallyWithinItsBoundsAndStopsAtTheCap() {
        Failure transientFailure = unavailable(Optional.empty());
        for (int n = 1; n <= 40; n++) {
            Duration ceiling = Duration.ofSeconds(Math.min(300, 1L << Math.min(n - 1, 20)));
            assertThat(policy.backoff(n, transientFailure, 0.0)).isEqualTo(Duration.ofSeconds(1));
            assertThat(policy.backoff(n, transientFailure, 0.999999)).isBetween(ceiling.minusMillis(1), ceiling);
        }
        assertThat(policy.backoff(3, transientFailure, 0.5)).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void aPermanentFailureWaitsTheCap() {
        Failure permanent = new Failure.Rejected(Failure.Subject.CREDENTIAL, OptionalInt.of(401), Optional.empty(), "no");

        assertThat(policy.backoff(1, permanent, 0.0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.backoff(1, new Failure.NotConfigured("nothing"), 0.5)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theServersRetryAfterIsAFloorNeverACeiling() {
        assertThat(policy.backoff(1, unavailable(Optional.of(Duration.ofSeconds(120))), 0.0)).isEqualTo(Duration.ofSeconds(120));
        assertThat(policy.backoff(10, unavailable(Optional.of(Duration.ofMillis(10))), 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(20, unavailable(Optional.of(Duration.ofSeconds(2))), 0.999999))
                .isBetween(Duration.ofMinutes(5).minusMillis(1), Duration.ofMinutes(5));
    }

    @Test
    void theServersRetryAfterIsHonouredOnlyUpToItsCap() {
        assertThat(policy.backoff(1, unavailable(Optional.of(Duration.ofDays(2))), 0.0)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRetryAfterLongerThanTheTokensLifeIsCutToOneLastAttemptBeforeItStopsBeingValid() {
        // 60 s token, 10 s skew: valid until T0+50s; the failure at T0+45s asks for 99,999 s (capped at 1 h)
        Instant now = T0.plusSeconds(45);
        Instant validUntil = T0.plusSeconds(50);
        Duration delay = policy.backoff(1, unavailable(Optional.of(Duration.ofSeconds(99_999))), 0.5);
        assertThat(delay).isEqualTo(Duration.ofHours(1));

        Instant next = policy.nextAttemptAt(now, delay, Optional.of(validUntil));

        assertThat(next).isEqualTo(T0.plusMillis(49_500)).isBefore(validUntil);
    }

    @Test
    void afterTheLastChanceTheServersRetryAfterStands() {
        Instant validUntil = T0.plusSeconds(50);
        Instant now = T0.plusMillis(49_500);

        assertThat(policy.nextAttemptAt(now, Duration.ofHours(1), Optional.of(validUntil))).isEqualTo(now.plus(Duration.ofHours(1)));
    }

    @Test
    void aBackoffThatEndsBeforeTheLastChanceIsKeptAndWithoutAValidTokenNothingIsCut() {
        Instant now = T0.plusSeconds(10);
        assertThat(policy.nextAttemptAt(now, Duration.ofSeconds(2), Optional.of(T0.plusSeconds(50)))).isEqualTo(now.plusSeconds(2));
        assertThat(policy.nextAttemptAt(now, Duration.ofHours(1), Optional.empty())).isEqualTo(now.plus(Duration.ofHours(1)));
        assertThat(policy.nextAttemptAt(now, Duration.ofHours(1), Optional.of(T0.plusSeconds(5)))).isEqualTo(now.plus(Duration.ofHours(1)));
    }
}
