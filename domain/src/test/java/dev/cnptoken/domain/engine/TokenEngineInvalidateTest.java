package dev.cnptoken.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TokenEngine#invalidate}: what the engine does when the FortiCNP API refuses a token. */
class TokenEngineInvalidateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AccountId ACME = AccountId.of("acme");
    private static final ApiCredential CREDENTIAL = new ApiCredential("good-credential-1");

    private final MutableClock clock = new MutableClock(T0);
    private final ScriptedRefresher fortiCnp = new ScriptedRefresher(clock);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final List<TokenEvent> events = new CopyOnWriteArrayList<>();

    private TokenEngine engine(String instanceId, Sleeper sleeper) {
        return TokenEngine.builder()
                .refresher(fortiCnp)
                .store(store)
                .clock(clock)
                .sleeper(sleeper)
                .random(() -> 0.5)
                .credentials(account -> Optional.of(CREDENTIAL))
                .instanceId(instanceId)
                .listener(events::add)
                .build();
    }

    private TokenEngine engine() {
        return engine("one", clock.sleeper());
    }

    private static TokenException unavailable() {
        return new TokenException(new Failure.Unavailable(OptionalInt.of(503), Optional.empty(), "refresh answered HTTP 503"));
    }

    private <T extends TokenEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private List<TokenEvent.Invalidated.Result> invalidations() {
        return eventsOf(TokenEvent.Invalidated.class).stream().map(TokenEvent.Invalidated::result).toList();
    }

    @Test
    void refreshesARejectedTokenAlthoughItIsNotDue() {
        TokenEngine engine = engine();
        AccessToken rejected = engine.currentToken(ACME);

        AccessToken retry = engine.invalidate(ACME, rejected);

        assertThat(retry).isNotEqualTo(rejected);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(engine.currentToken(ACME)).isEqualTo(retry);
        assertThat(store.read(ACME).orElseThrow().state().accessToken()).isEqualTo(retry);
        assertThat(invalidations()).containsExactly(TokenEvent.Invalidated.Result.REFRESHED);
    }

    @Test
    void returnsTheTokenAnotherThreadAlreadyGotWithoutCallingAgain() {
        TokenEngine engine = engine();
        AccessToken rejected = engine.currentToken(ACME);
        AccessToken first = engine.invalidate(ACME, rejected);

        AccessToken second = engine.handle(ACME).invalidate(rejected);

        assertThat(second).isEqualTo(first);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(invalidations()).containsExactly(TokenEvent.Invalidated.Result.REFRESHED,
                TokenEvent.Invalidated.Result.ALREADY_REPLACED);
    }

    @Test
    void adoptsANewerStoredTokenWithoutCallingFortiCnp() {
        TokenEngine first = engine("first", clock.sleeper());
        TokenEngine second = engine("second", clock.sleeper());
        AccessToken rejected = first.currentToken(ACME);
        assertThat(second.currentToken(ACME)).isEqualTo(rejected);
        AccessToken stored = first.invalidate(ACME, rejected);
        events.clear();

        AccessToken retry = second.invalidate(ACME, rejected);

        assertThat(retry).isEqualTo(stored);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(invalidations()).containsExactly(TokenEvent.Invalidated.Result.ADOPTED);
        assertThat(eventsOf(TokenEvent.Adopted.class)).hasSize(1);
    }

    @Test
    void sixteenThreadsInvalidatingTheSameTokenCauseOneRefresh() throws Exception {
        TokenEngine engine = engine();
        AccessToken rejected = engine.currentToken(ACME);
        fortiCnp.close(1);

        List<Future<AccessToken>> results = invalidateConcurrently(List.of(engine), 16, rejected, () -> {
            assertThat(fortiCnp.awaitEntered(30)).isTrue();
            fortiCnp.open();
        });

        Set<AccessToken> distinct = ConcurrentHashMap.newKeySet();
        for (Future<AccessToken> f : results) {
            distinct.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(distinct).singleElement().isNotEqualTo(rejected);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
    }

    @Test
    void sixteenThreadsInEachOfTwoEnginesSharingAStoreCauseOneRefresh() throws Exception {
        // The waiting engine polls the store in real time (briefly) without moving the clock, so the
        // holder's lease never lapses while it works.
        Sleeper briefly = d -> Thread.sleep(1);
        TokenEngine first = engine("first", briefly);
        TokenEngine second = engine("second", briefly);
        AccessToken rejected = first.currentToken(ACME);
        assertThat(second.currentToken(ACME)).isEqualTo(rejected);

        List<Future<AccessToken>> results = invalidateConcurrently(List.of(first, second), 16, rejected, () -> {});

        Set<AccessToken> distinct = ConcurrentHashMap.newKeySet();
        for (Future<AccessToken> f : results) {
            distinct.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(distinct).singleElement().isNotEqualTo(rejected);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(fortiCnp.logins()).isEqualTo(1);
    }

    @Test
    void throwsTheLastFailureAtOnceWhileTheFailedRefreshBacksOff() {
        TokenEngine engine = engine();
        AccessToken rejected = engine.currentToken(ACME);
        fortiCnp.failNext(unavailable(), unavailable(), unavailable(), unavailable(), unavailable());

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> engine.invalidate(ACME, rejected))
                    .isInstanceOf(TokenException.class)
                    .satisfies(e -> assertThat(((TokenException) e).failure()).isInstanceOf(Failure.Unavailable.class));
        }

        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(invalidations()).containsExactly(TokenEvent.Invalidated.Result.FAILED,
                TokenEvent.Invalidated.Result.BACKING_OFF, TokenEvent.Invalidated.Result.BACKING_OFF,
                TokenEvent.Invalidated.Result.BACKING_OFF, TokenEvent.Invalidated.Result.BACKING_OFF);
        // the engine keeps serving the held token meanwhile: the server may have refused it by mistake
        assertThat(engine.currentToken(ACME)).isEqualTo(rejected);

        clock.set(engine.health(ACME).nextAttemptAt().orElseThrow());
        assertThatThrownBy(() -> engine.invalidate(ACME, rejected)).isInstanceOf(TokenException.class);
        assertThat(fortiCnp.refreshes()).isEqualTo(2); // one more call once the backoff has run out
    }

    @Test
    void adoptsAStoredTokenEvenWhileItsOwnRefreshBacksOff() {
        TokenEngine first = engine("first", clock.sleeper());
        TokenEngine second = engine("second", clock.sleeper());
        AccessToken rejected = first.currentToken(ACME);
        second.currentToken(ACME);
        fortiCnp.failNext(unavailable());
        assertThatThrownBy(() -> second.invalidate(ACME, rejected)).isInstanceOf(TokenException.class);
        // the failure the second engine recorded in the store holds the first one off too
        assertThatThrownBy(() -> first.invalidate(ACME, rejected)).isInstanceOf(TokenException.class);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        clock.set(second.health(ACME).nextAttemptAt().orElseThrow());
        AccessToken stored = first.invalidate(ACME, rejected);

        assertThat(second.invalidate(ACME, rejected)).isEqualTo(stored);
        assertThat(fortiCnp.refreshes()).isEqualTo(2); // the failed one and the first engine's
    }

    @Test
    void logsInWithTheCredentialWhenTheRefreshTokenIsRejectedToo() {
        TokenEngine engine = engine();
        AccessToken rejected = engine.currentToken(ACME);
        fortiCnp.revoke(store.read(ACME).orElseThrow().state().refreshToken());

        AccessToken retry = engine.invalidate(ACME, rejected);

        assertThat(retry).isNotEqualTo(rejected);
        assertThat(fortiCnp.callLog()).containsExactly("login", "refresh", "login");
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).last()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("refresh token rejected"));
        assertThat(invalidations()).containsExactly(TokenEvent.Invalidated.Result.LOGGED_IN);
    }

    @Test
    void refreshEventsSayWhetherTheRefreshWasScheduledForcedOrAfterAnInvalidation() {
        TokenEngine engine = engine();
        AccessToken first = engine.currentToken(ACME);
        clock.set(engine.health(ACME).refreshDueAt().orElseThrow());
        AccessToken scheduled = engine.currentToken(ACME);
        engine.refresh(ACME, true);
        engine.invalidate(ACME, engine.currentToken(ACME));

        assertThat(scheduled).isNotEqualTo(first);
        assertThat(eventsOf(TokenEvent.Refreshed.class)).extracting(TokenEvent.Refreshed::reason)
                .containsExactly(TokenEvent.Refreshed.Reason.SCHEDULED, TokenEvent.Refreshed.Reason.FORCED,
                        TokenEvent.Refreshed.Reason.INVALIDATED);
    }

    @Test
    void reportsAnInstancesFirstLoadOfAStoredStateAsAnAdoption() {
        engine("writer", clock.sleeper()).currentToken(ACME);
        events.clear();

        engine("reader", clock.sleeper()).currentToken(ACME);

        assertThat(eventsOf(TokenEvent.Adopted.class)).singleElement()
                .satisfies(e -> assertThat(e.account()).isEqualTo(ACME));
    }

    @Test
    void answersATokenItNeverHeldWithTheHeldOne() {
        TokenEngine engine = engine();
        AccessToken held = engine.currentToken(ACME);

        assertThat(engine.invalidate(ACME, new AccessToken("some-older-token"))).isEqualTo(held);
        assertThat(fortiCnp.refreshes()).isZero();
    }

    @Test
    void rejectsNullArguments() {
        TokenEngine engine = engine();
        assertThatThrownBy(() -> engine.invalidate(ACME, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("rejected == null");
        assertThatThrownBy(() -> engine.invalidate(null, new AccessToken("x"))).isInstanceOf(NullPointerException.class)
                .hasMessage("account == null");
    }

    /** Starts {@code threads} threads per engine that all invalidate {@code rejected} at once, then runs {@code meanwhile}. */
    private static List<Future<AccessToken>> invalidateConcurrently(List<TokenEngine> engines, int threads, AccessToken rejected,
            ThrowingRunnable meanwhile) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads * engines.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AccessToken>> results = new ArrayList<>();
            for (TokenEngine engine : engines) {
                for (int i = 0; i < threads; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return engine.invalidate(ACME, rejected);
                    }));
                }
            }
            start.countDown();
            meanwhile.run();
            for (Future<AccessToken> f : results) {
                f.get(30, TimeUnit.SECONDS);
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
