package dev.cnptoken.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.CredentialSource;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A {@link CredentialSource} that throws is a typed, backed-off failure, never a raw exception. */
class CredentialSourceFailureTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AccountId ACME = AccountId.of("acme");
    private static final ApiCredential CREDENTIAL = new ApiCredential("good-credential-1");
    private static final String SENTINEL = "SENTINEL-in-the-source-message-42";

    private final MutableClock clock = new MutableClock(T0);
    private final ScriptedRefresher fortiCnp = new ScriptedRefresher(clock);
    private final FlakyStore store = new FlakyStore();
    private final List<TokenEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger asked = new AtomicInteger();
    /** What the source does when asked: answer, or throw. */
    private final AtomicReference<Supplier<Optional<ApiCredential>>> behaviour =
            new AtomicReference<>(() -> Optional.of(CREDENTIAL));

    private TokenEngine engine() {
        CredentialSource source = account -> {
            asked.incrementAndGet();
            return behaviour.get().get();
        };
        return TokenEngine.builder()
                .refresher(fortiCnp)
                .store(store)
                .clock(clock)
                .sleeper(clock.sleeper())
                .random(() -> 0.5)
                .credentials(source)
                .listener(events::add)
                .build();
    }

    private void sourceThrows(RuntimeException e) {
        behaviour.set(() -> {
            throw e;
        });
    }

    private List<TokenEvent.Failed> failures() {
        return events.stream().filter(TokenEvent.Failed.class::isInstance).map(TokenEvent.Failed.class::cast).toList();
    }

    @Test
    void aMissingCredentialFileAtFirstUseIsNotConfiguredWithAnEventAndABackoff() {
        TokenEngine engine = engine();
        sourceThrows(new UncheckedIOException(new NoSuchFileException("/run/secrets/acme")));

        assertThatThrownBy(() -> engine.currentToken(ACME)).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains("acme", "NoSuchFileException", "/run/secrets/acme");
        });
        assertThat(failures()).singleElement().satisfies(f -> {
            assertThat(f.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(f.retryIn()).isEqualTo(EngineSettings.defaults().backoffCap());
        });

        // within the backoff the source is not asked again, however often the token is asked for
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> engine.currentToken(ACME)).isInstanceOf(TokenException.class);
        }
        assertThat(asked).hasValue(1);
        assertThat(fortiCnp.calls()).isZero();

        // once the file is back and the backoff has run out, the engine logs in
        behaviour.set(() -> Optional.of(CREDENTIAL));
        clock.advance(EngineSettings.defaults().backoffCap());
        assertThat(engine.currentToken(ACME)).isNotNull();
        assertThat(fortiCnp.logins()).isEqualTo(1);
    }

    @Test
    void aSourceThatThrowsAnyRuntimeExceptionGivesATypedFailureWithoutItsMessageOrItself() {
        TokenEngine engine = engine();
        sourceThrows(new IllegalStateException(SENTINEL));

        assertThatThrownBy(() -> engine.currentToken(ACME)).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains("IllegalStateException").doesNotContain(SENTINEL);
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(t).as("the source's exception is not kept as a cause").isInstanceOf(TokenException.class);
                assertThat(String.valueOf(t.getMessage())).doesNotContain(SENTINEL);
            }
        });
        assertThat(events).allSatisfy(event -> assertThat(event.toString()).doesNotContain(SENTINEL));
    }

    @Test
    void aSourceThatAnswersNullGivesATypedFailure() {
        TokenEngine engine = engine();
        behaviour.set(() -> null);

        assertThatThrownBy(() -> engine.currentToken(ACME)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class));
    }

    @Test
    void aTokenExceptionFromTheSourcePassesThroughAsItIs() {
        TokenEngine engine = engine();
        Failure.NotConfigured own = new Failure.NotConfigured("the vault path of acme is not readable");
        sourceThrows(new TokenException(own));

        assertThatThrownBy(() -> engine.currentToken(ACME)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isEqualTo(own));
    }

    @Test
    void aBrokenSourceDoesNotStopPlainRefreshes() {
        TokenEngine engine = engine();
        engine.login(ACME, CREDENTIAL, false);
        sourceThrows(new UncheckedIOException(new NoSuchFileException("/run/secrets/acme")));

        for (int minute = 0; minute < 120; minute++) {
            clock.advance(Duration.ofMinutes(1));
            engine.currentToken(ACME);
        }

        assertThat(fortiCnp.refreshes()).isGreaterThanOrEqualTo(4);
        assertThat(asked).hasValue(0);
        assertThat(failures()).isEmpty();
    }

    @Test
    void aBrokenSourceWhenALoginIsDueKeepsServingTheHeldTokenAndKeepsTheStoredRefreshToken() {
        TokenEngine engine = engine();
        engine.login(ACME, CREDENTIAL, false);
        sourceThrows(new UncheckedIOException(new NoSuchFileException("/run/secrets/acme")));
        // refresh by refresh until the re-login point (7 h 30 min for 8 h refresh tokens)
        while (clock.instant().isBefore(T0.plus(Duration.ofHours(7)).plus(Duration.ofMinutes(29)))) {
            clock.advance(Duration.ofMinutes(1));
            engine.currentToken(ACME);
        }
        assertThat(failures()).isEmpty();
        AccessToken held = engine.currentToken(ACME);
        RefreshToken storedRefreshToken = store.read(ACME).orElseThrow().state().refreshToken();

        for (int i = 0; i < 5 && failures().isEmpty(); i++) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(engine.currentToken(ACME)).as("a still valid token is served").isNotNull();
        }

        assertThat(failures()).singleElement().satisfies(f -> {
            assertThat(f.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(f.servingStale()).isTrue();
        });
        assertThat(engine.currentToken(ACME)).isEqualTo(held);
        assertThat(store.read(ACME).orElseThrow().state().refreshToken()).isEqualTo(storedRefreshToken);
        assertThat(fortiCnp.logins()).isEqualTo(1);
    }
}
