package dev.cnptoken.app.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry loop of one run: its budget, its end at the token's expiry, and no retry of a permanent failure. */
class PatientRefreshTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AccountId ACME = AccountId.of("acme");

    private final SteppingClock clock = SteppingClock.at(T0);
    private final List<Duration> sleeps = new ArrayList<>();
    private final FailingRefresher fortiCnp = new FailingRefresher();
    private final TokenEngine engine = TokenEngine.builder().refresher(fortiCnp).store(new InMemoryTokenStore()).clock(clock)
            .random(() -> 0.0).build();

    private PatientRefresh patience(Duration maxWait) {
        return new PatientRefresh(engine, clock, d -> {
            sleeps.add(d);
            clock.advance(d);
        }, maxWait);
    }

    @Test
    void retriesFollowingRetryAfterButStopsWhenTheHeldTokenStopsBeingValid() {
        engine.login(ACME, new ApiCredential("good-credential"), false); // a 30-minute token, valid until T0+29m50s
        Instant validUntil = T0.plus(Duration.ofMinutes(30)).minusSeconds(10);
        clock.set(validUntil.minusSeconds(50));
        fortiCnp.failing = new Failure.Unavailable(OptionalInt.of(503), Optional.of(Duration.ofSeconds(15)), "down");

        RefreshOutcome outcome = patience(Duration.ofMinutes(10)).refresh(ACME, false, Duration.ZERO);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(fortiCnp.refreshes.get()).as("15 s apart, and a last attempt just before the token expires").isEqualTo(5);
        assertThat(clock.instant()).isBefore(validUntil);
        assertThat(sleeps.stream().reduce(Duration.ZERO, Duration::plus)).isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void givesUpAtOnceWhenTheNextAttemptIsBeyondTheBudget() {
        engine.login(ACME, new ApiCredential("good-credential"), false);
        fortiCnp.failing = new Failure.Unavailable(OptionalInt.of(429), Optional.of(Duration.ofSeconds(30)), "slow down");

        RefreshOutcome outcome = patience(Duration.ofSeconds(10)).refresh(ACME, true, Duration.ZERO);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(fortiCnp.refreshes.get()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void neverRetriesAPermanentFailure() {
        engine.login(ACME, new ApiCredential("good-credential"), false);
        fortiCnp.failing = new Failure.Rejected(Failure.Subject.REQUEST, OptionalInt.of(400), Optional.of("invalid_request"), "bad");

        RefreshOutcome outcome = patience(Duration.ofMinutes(10)).refresh(ACME, true, Duration.ZERO);

        assertThat(outcome.failure()).containsInstanceOf(Failure.Rejected.class);
        assertThat(fortiCnp.refreshes.get()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void recoversWithinTheBudget() {
        engine.login(ACME, new ApiCredential("good-credential"), false);
        fortiCnp.failing = new Failure.Unavailable(OptionalInt.of(503), Optional.of(Duration.ofSeconds(1)), "blip");
        fortiCnp.failuresLeft.set(2);

        RefreshOutcome outcome = patience(Duration.ofMinutes(1)).refresh(ACME, true, Duration.ZERO);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
        assertThat(fortiCnp.refreshes.get()).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    /** Logs in always; refreshes fail with {@code failing} ({@code failuresLeft} times, or always when negative). */
    private final class FailingRefresher implements TokenRefresher {
        volatile Failure failing;
        final AtomicInteger failuresLeft = new AtomicInteger(-1);
        final AtomicInteger refreshes = new AtomicInteger();
        private final AtomicInteger serial = new AtomicInteger();

        @Override
        public TokenGrant login(ApiCredential credential) {
            return grant(true);
        }

        @Override
        public TokenGrant refresh(RefreshToken refreshToken) {
            refreshes.incrementAndGet();
            if (failing != null && failuresLeft.getAndDecrement() != 0) {
                throw new TokenException(failing);
            }
            return grant(false);
        }

        private TokenGrant grant(boolean withRefresh) {
            int n = serial.incrementAndGet();
            return new TokenGrant(new AccessToken("access-" + n), "bearer", clock.instant().plus(Duration.ofMinutes(30)),
                    withRefresh ? Optional.of(new RefreshToken("refresh-" + n)) : Optional.empty());
        }
    }
}
