package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.engine.EngineSettings;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.Sentinels;
import dev.cnptoken.simulator.SteppingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine driven end to end by each transport against the simulator over real HTTP: login,
 * refreshes ahead of expiry, a new login before the refresh token's 8 hours run out, a new login
 * when the server revokes the refresh token, and rotated refresh tokens; no expired token ever
 * served.
 */
class EngineOverHttpTest {
    private static final AccountId ACME = AccountId.of("acme");

    /** A transport; both adapters are {@link AutoCloseable}. */
    private static AutoCloseable transport(String name, FortiCnpSimulator sim) {
        return name.equals("feign")
                ? FeignTokenRefresher.builder().baseUrl(sim.baseUrl()).build()
                : RetrofitTokenRefresher.builder().baseUrl(sim.baseUrl()).build();
    }

    @ParameterizedTest(name = "{0}, rotating refresh tokens: {1}")
    @CsvSource({"feign, false", "feign, true", "retrofit, false", "retrofit, true"})
    void keepsATokenValidThroughTheWholeRefreshTokenCycle(String transportName, boolean rotate) throws Exception {
        SteppingClock clock = SteppingClock.at(Instant.parse("2026-06-01T08:00:00Z"));
        ApiCredential credential = Sentinels.credential();
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        try (FortiCnpSimulator sim = FortiCnpSimulator.builder().clock(clock).port(0).credential(credential)
                        .rotateRefreshTokens(rotate).start();
                AutoCloseable http = transport(transportName, sim);
                TokenEngine engine = TokenEngine.builder()
                        .refresher((TokenRefresher) http)
                        .store(new InMemoryTokenStore())
                        .credentials(a -> Optional.of(credential))
                        .clock(clock)
                        .settings(EngineSettings.defaults())
                        .listener(events::add)
                        .build()) {

            AccessToken first = engine.currentToken(ACME);
            assertThat(sim.isLive(first)).isTrue();
            assertThat(sim.grantCount(FortiCnpSimulator.Endpoint.LOGIN)).isEqualTo(1);

            int expiredServed = 0;
            for (int minute = 1; minute <= 10 * 60; minute++) {
                clock.advance(Duration.ofMinutes(1));
                if (minute == 2 * 60) {
                    // the server forgets the refresh token mid-cycle: the engine logs in again
                    sim.issuedSecrets().forEach(s -> sim.revokeRefreshToken(new RefreshToken(s)));
                }
                AccessToken token = engine.currentToken(ACME);
                if (!sim.isLive(token)) {
                    expiredServed++;
                }
            }

            assertThat(expiredServed).isZero();
            long logins = sim.grantCount(FortiCnpSimulator.Endpoint.LOGIN);
            long refreshes = sim.grantCount(FortiCnpSimulator.Endpoint.REFRESH);
            // the first login, one after the revocation at 2 h, and one before that refresh token's
            // 8 hours end (at 9 h 30) unless every refresh rotates the refresh token
            assertThat(logins).isEqualTo(rotate ? 2 : 3);
            // 30-minute tokens refreshed about every 25 minutes for 10 hours
            assertThat(refreshes).isBetween(18L, 24L);
            List<String> reasons = events.stream().filter(e -> e instanceof TokenEvent.LoggedIn)
                    .map(e -> ((TokenEvent.LoggedIn) e).reason()).toList();
            assertThat(reasons).containsExactlyElementsOf(rotate
                    ? List.of("no stored state", "refresh token rejected")
                    : List.of("no stored state", "refresh token rejected", "refresh token near end of life"));
        }
    }

}
