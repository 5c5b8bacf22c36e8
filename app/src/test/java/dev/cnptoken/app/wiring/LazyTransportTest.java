package dev.cnptoken.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.config.ConfigSources;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTransportTest {
    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final AccountId ACCOUNT = AccountId.of("lazy-a");

    @Test
    void servesAStoredValidTokenWithoutBuildingTheTransport() {
        AppConfig config = AppConfig.from(ConfigSources.load(Map.of("CNP_STORE", "memory"), Map.of(), List.of()));
        try (AppRuntime runtime = AppRuntime.create(config, CLOCK, AppRuntime.TransportStart.ON_FIRST_CALL)) {
            store(runtime.store(), "stored-access-token", NOW.plus(Duration.ofMinutes(30)));

            AccessToken token = runtime.engine().currentToken(ACCOUNT);

            assertThat(token.value()).isEqualTo("stored-access-token");
            assertThat(runtime.refresher()).isInstanceOf(LazyTokenRefresher.class);
            assertThat(((LazyTokenRefresher) runtime.refresher()).built()).isFalse();
        }
    }

    @Test
    void buildsTheTransportAtOnceUnlessToldOtherwise() {
        AppConfig config = AppConfig.from(ConfigSources.load(Map.of("CNP_STORE", "memory"), Map.of(), List.of()));
        try (AppRuntime runtime = AppRuntime.create(config, CLOCK)) {
            assertThat(runtime.refresher()).isNotInstanceOf(LazyTokenRefresher.class);
        }
    }

    @Test
    void buildsTheRealRefresherOnceAtTheFirstCall() {
        AtomicInteger builds = new AtomicInteger();
        TokenRefresher failing = new TokenRefresher() {
            @Override
            public dev.cnptoken.domain.TokenGrant login(dev.cnptoken.domain.ApiCredential credential) {
                throw new TokenException(new Failure.NotConfigured("test refresher"));
            }

            @Override
            public dev.cnptoken.domain.TokenGrant refresh(RefreshToken refreshToken) {
                throw new TokenException(new Failure.NotConfigured("test refresher"));
            }
        };
        LazyTokenRefresher lazy = new LazyTokenRefresher(() -> {
            builds.incrementAndGet();
            return failing;
        });
        assertThat(lazy.built()).isFalse();

        assertThatThrownBy(() -> lazy.refresh(new RefreshToken("r1"))).isInstanceOf(TokenException.class);
        assertThatThrownBy(() -> lazy.refresh(new RefreshToken("r2"))).isInstanceOf(TokenException.class);

        assertThat(lazy.built()).isTrue();
        assertThat(builds).hasValue(1);
    }

    @Test
    void failsEveryCallAsNotConfiguredWhenTheTransportSettingsAreRefused() {
        AtomicInteger builds = new AtomicInteger();
        LazyTokenRefresher lazy = new LazyTokenRefresher(() -> {
            builds.incrementAndGet();
            throw new ConfigException("transport=feign: ca_file: no certificate in /etc/x.pem");
        });

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> lazy.refresh(new RefreshToken("sentinel-refresh-token")))
                    .isInstanceOfSatisfying(TokenException.class, e -> {
                        assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
                        assertThat(e.failure().describe()).contains("ca_file").doesNotContain("sentinel-refresh-token");
                    });
        }
        assertThat(builds).hasValue(1);
        assertThat(lazy.built()).isFalse();
    }

    @Test
    void closingBeforeTheFirstCallBuildsNothing() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        LazyTokenRefresher lazy = new LazyTokenRefresher(() -> {
            builds.incrementAndGet();
            throw new AssertionError("must not be built");
        });

        lazy.close();

        assertThat(builds).hasValue(0);
        assertThatThrownBy(() -> lazy.refresh(new RefreshToken("r"))).isInstanceOf(IllegalStateException.class);
    }

    private static void store(TokenStore store, String access, Instant expiresAt) {
        TokenState state = new TokenState(new AccessToken(access), "bearer", expiresAt, new RefreshToken("stored-refresh-token"),
                NOW.minus(Duration.ofMinutes(5)), NOW.minus(Duration.ofMinutes(5)), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state).written()).isTrue();
    }
}
