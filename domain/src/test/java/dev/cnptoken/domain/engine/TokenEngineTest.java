package dev.cnptoken.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CredentialSource;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenEngineTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AccountId ACME = AccountId.of("acme");
    private static final ApiCredential CREDENTIAL = new ApiCredential("good-credential-1");

    private final MutableClock clock = new MutableClock(T0);
    private final ScriptedRefresher fortiCnp = new ScriptedRefresher(clock);
    private final FlakyStore store = new FlakyStore();
    private final List<TokenEvent> events = new CopyOnWriteArrayList<>();

    private TokenEngine.Builder engineBuilder(double random) {
        return TokenEngine.builder()
                .refresher(fortiCnp)
                .store(store)
                .clock(clock)
                .sleeper(clock.sleeper())
                .random(() -> random)
                .credentials(account -> Optional.of(CREDENTIAL))
                .listener(events::add);
    }

    private TokenEngine engine() {
        return engineBuilder(0.5).build();
    }

    private static TokenException unavailable(Optional<Duration> retryAfter) {
        return new TokenException(new Failure.Unavailable(OptionalInt.of(503), retryAfter, "refresh answered HTTP 503"));
    }

    private <T extends TokenEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void logsInOnFirstUseWithTheConfiguredCredentialAndStoresTheState() {
        TokenEngine engine = engine();

        AccessToken token = engine.currentToken(ACME);

        assertThat(fortiCnp.logins()).isEqualTo(1);
        TokenState stored = store.read(ACME).orElseThrow().state();
        assertThat(stored.accessToken()).isEqualTo(token);
        assertThat(stored.refreshIssuedAt()).isEqualTo(T0);
        assertThat(stored.lease()).isEmpty();
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("no stored state"));
    }

    @Test
    void servesTheHeldTokenWithoutAnyCallWhileItIsNotDue() {
        TokenEngine engine = engine();
        AccessToken first = engine.currentToken(ACME);

        for (int minute = 0; minute < 24; minute++) {
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < 100; i++) {
                assertThat(engine.currentToken(ACME)).isSameAs(first);
            }
        }
        assertThat(fortiCnp.calls()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 0.999})
    void refreshesInsideTheMarginMinusTheJitter(double random) {
        TokenEngine engine = engineBuilder(random).build();
        AccessToken first = engine.currentToken(ACME);
        Instant expiry = fortiCnp.expiryOf(first);
        // 30-minute token: margin min(5 min, 20% = 6 min) = 5 min; jitter up to min(1 min, 10% = 3 min)
        Instant due = expiry.minus(Duration.ofMinutes(5)).minus(Duration.ofMillis((long) (60_000 * random)));
        assertThat(engine.health(ACME).refreshDueAt()).contains(due);

        clock.set(due.minusMillis(1));
        assertThat(engine.currentToken(ACME)).isSameAs(first);
        assertThat(fortiCnp.refreshes()).isZero();

        clock.set(due);
        AccessToken second = engine.currentToken(ACME);
        assertThat(second).isNotEqualTo(first);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
    }

    @Test
    void usesAFractionOfTheLifetimeAsMarginForShortLivedTokens() {
        fortiCnp.accessLifetime(Duration.ofMinutes(2));
        TokenEngine engine = engineBuilder(0.999).settings(EngineSettings.defaults().withExpirySkew(Duration.ofSeconds(1))).build();
        AccessToken first = engine.currentToken(ACME);
        Instant expiry = fortiCnp.expiryOf(first);

        Instant due = engine.health(ACME).refreshDueAt().orElseThrow();

        // margin 20% of 2 min = 24 s, jitter at most 10% = 12 s
        assertThat(due).isBetween(expiry.minusSeconds(24 + 12), expiry.minusSeconds(24));
    }

    @Test
    void sixtyFourThreadsAtExpiryCauseExactlyOneCallAndAllGetItsToken() throws Exception {
        TokenEngine engine = engine();
        AccessToken old = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(31));
        fortiCnp.close(1);
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<AccessToken>> results = new ArrayList<>();
        List<Thread> workers = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    workers.add(Thread.currentThread());
                    start.await();
                    return engine.currentToken(ACME);
                }));
            }
            start.countDown();
            assertThat(fortiCnp.awaitEntered(10)).isTrue();
            awaitBlocked(workers, threads - 1);
            fortiCnp.open();
            Set<AccessToken> got = ConcurrentHashMap.newKeySet();
            for (Future<AccessToken> f : results) {
                got.add(f.get(10, TimeUnit.SECONDS));
            }
            assertThat(fortiCnp.refreshes()).isEqualTo(1);
            assertThat(got).singleElement().isNotEqualTo(old);
        } finally {
            fortiCnp.open();
            pool.shutdownNow();
        }
    }

    @Test
    void threadsWithAValidTokenKeepItWhileOneThreadRefreshes() throws Exception {
        TokenEngine engine = engine();
        AccessToken old = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26)); // due, still valid
        fortiCnp.close(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<AccessToken> refresher = pool.submit(() -> engine.currentToken(ACME));
            assertThat(fortiCnp.awaitEntered(10)).isTrue();
            for (int i = 0; i < 50; i++) {
                assertThat(pool.submit(() -> engine.currentToken(ACME)).get(10, TimeUnit.SECONDS)).isEqualTo(old);
            }
            fortiCnp.open();
            assertThat(refresher.get(10, TimeUnit.SECONDS)).isNotEqualTo(old);
            assertThat(fortiCnp.refreshes()).isEqualTo(1);
        } finally {
            fortiCnp.open();
            pool.shutdownNow();
        }
    }

    @Test
    void keepsServingTheHeldTokenWhileFortiCnpIsDownBacksOffAndRecovers() {
        TokenEngine engine = engine(); // random 0.5
        AccessToken old = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        fortiCnp.failNext(unavailable(Optional.empty()), unavailable(Optional.empty()), unavailable(Optional.empty()));

        assertThat(engine.currentToken(ACME)).isEqualTo(old);
        assertThat(engine.health(ACME).servingStale()).isTrue();
        assertThat(eventsOf(TokenEvent.ServingStale.class)).hasSize(1);
        assertThat(eventsOf(TokenEvent.Failed.class)).last().satisfies(f -> {
            assertThat(f.retryIn()).isEqualTo(Duration.ofSeconds(1));
            assertThat(f.servingStale()).isTrue();
        });

        // within the backoff nothing is called, however often the token is asked for
        for (int i = 0; i < 100; i++) {
            assertThat(engine.currentToken(ACME)).isEqualTo(old);
        }
        assertThat(fortiCnp.refreshes()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.currentToken(ACME)).isEqualTo(old);
        assertThat(fortiCnp.refreshes()).isEqualTo(2);
        assertThat(eventsOf(TokenEvent.Failed.class)).last()
                .satisfies(f -> assertThat(f.retryIn()).isEqualTo(Duration.ofMillis(1500)));

        clock.advance(Duration.ofMillis(1500));
        engine.currentToken(ACME);
        assertThat(eventsOf(TokenEvent.Failed.class)).last()
                .satisfies(f -> assertThat(f.retryIn()).isEqualTo(Duration.ofMillis(2500)));
        assertThat(store.read(ACME).orElseThrow().state().lastFailure()).hasValueSatisfying(n ->
                assertThat(n.kind()).isEqualTo("unavailable"));

        clock.advance(Duration.ofMillis(2500));
        AccessToken fresh = engine.currentToken(ACME);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(engine.health(ACME).servingStale()).isFalse();
        assertThat(engine.health(ACME).consecutiveFailures()).isZero();
        assertThat(store.read(ACME).orElseThrow().state().lastFailure()).isEmpty();
    }

    @Test
    void honoursTheServersRetryAfter() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        fortiCnp.failNext(unavailable(Optional.of(Duration.ofSeconds(120))));

        engine.currentToken(ACME);
        clock.advance(Duration.ofSeconds(119));
        engine.currentToken(ACME);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        engine.currentToken(ACME);
        assertThat(fortiCnp.refreshes()).isEqualTo(2);
        assertThat(eventsOf(TokenEvent.Failed.class)).singleElement()
                .satisfies(f -> assertThat(f.retryIn()).isEqualTo(Duration.ofSeconds(120)));
    }

    @Test
    void failsWithTheRefreshFailureOnceTheHeldTokenHasExpiredWithoutCallingDuringBackoff() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(31));
        fortiCnp.failNext(unavailable(Optional.of(Duration.ofSeconds(30))));

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> engine.currentToken(ACME))
                    .isInstanceOfSatisfying(TokenException.class, e ->
                            assertThat(e.failure()).isInstanceOf(Failure.Unavailable.class));
        }
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
    }

    @Test
    void logsInWithTheCredentialWhenTheRefreshTokenIsRejected() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        fortiCnp.revoke(store.read(ACME).orElseThrow().state().refreshToken());
        clock.advance(Duration.ofMinutes(26));

        AccessToken fresh = engine.currentToken(ACME);

        assertThat(fortiCnp.callLog()).containsExactly("login", "refresh", "login");
        assertThat(store.read(ACME).orElseThrow().state().accessToken()).isEqualTo(fresh);
        assertThat(store.read(ACME).orElseThrow().state().refreshIssuedAt()).isEqualTo(clock.instant());
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).last()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("refresh token rejected"));
    }

    @Test
    void aRejectedRefreshTokenWithNoCredentialIsPermanentAndWaitsTheCap() {
        TokenEngine engine = engineBuilder(0.5).credentials(CredentialSource.none()).build();
        engine.login(ACME, CREDENTIAL, false);
        fortiCnp.revoke(store.read(ACME).orElseThrow().state().refreshToken());
        clock.advance(Duration.ofMinutes(26));

        RefreshOutcome outcome = engine.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(outcome.failure()).containsInstanceOf(Failure.Rejected.class);
        assertThat(outcome.failure().orElseThrow().describe()).contains("no API credential");
        assertThat(outcome.nextCheckAt()).isEqualTo(clock.instant().plus(EngineSettings.defaults().backoffCap()));
        assertThat(outcome.servingStale()).isTrue();
    }

    @Test
    void aCredentialKeptInTheStoreIsUsedWhenNoSourceHasOne() {
        TokenEngine engine = engineBuilder(0.5).credentials(CredentialSource.none()).build();
        engine.login(ACME, CREDENTIAL, true);
        assertThat(store.read(ACME).orElseThrow().state().credential()).contains(CREDENTIAL);
        fortiCnp.revoke(store.read(ACME).orElseThrow().state().refreshToken());
        clock.advance(Duration.ofMinutes(26));

        RefreshOutcome outcome = engine.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.LOGGED_IN);
        assertThat(store.read(ACME).orElseThrow().state().credential()).contains(CREDENTIAL);
    }

    @Test
    void logsInAgainBeforeTheRefreshTokenRunsOut() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        List<Instant> logins = new ArrayList<>();
        int seen = 1;
        while (clock.instant().isBefore(T0.plus(Duration.ofHours(9)))) {
            clock.advance(Duration.ofMinutes(1));
            engine.currentToken(ACME);
            if (fortiCnp.logins() > seen) {
                seen = fortiCnp.logins();
                logins.add(clock.instant());
            }
        }

        // 8 h refresh tokens, renewed 30 min (at most 20%) ahead; no refresh token is ever used past its life
        assertThat(logins).hasSize(1);
        assertThat(logins.get(0)).isEqualTo(T0.plus(Duration.ofHours(7)).plus(Duration.ofMinutes(30)));
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).last()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("refresh token near end of life"));
        assertThat(store.read(ACME).orElseThrow().state().refreshIssuedAt()).isEqualTo(logins.get(0));
    }

    @Test
    void withoutACredentialKeepsRefreshingOnTheAccessScheduleAndSaysOnceThatALoginIsNeeded() {
        TokenEngine engine = engineBuilder(0.5).credentials(CredentialSource.none()).build();
        engine.login(ACME, CREDENTIAL, false);
        clock.advance(Duration.ofHours(7).plusMinutes(40)); // past the re-login point, refresh token still alive
        engine.refresh(ACME, true);
        int refreshes = fortiCnp.refreshes();

        for (int i = 0; i < 100; i++) {
            engine.currentToken(ACME);
            engine.refresh(ACME, false);
        }

        assertThat(fortiCnp.refreshes()).isEqualTo(refreshes);
        assertThat(eventsOf(TokenEvent.CredentialMissing.class)).singleElement()
                .satisfies(e -> assertThat(e.refreshTokenExpiresAt()).isEqualTo(T0.plus(Duration.ofHours(8))));
    }

    @Test
    void persistsARotatedRefreshTokenBeforeHandingOutTheNewAccessToken() {
        fortiCnp.rotateRefreshTokens(true);
        List<String> order = new CopyOnWriteArrayList<>();
        TokenEngine engine = engineBuilder(0.5).listener(e -> {
            if (e instanceof TokenEvent.Refreshed) {
                TokenState stored = store.read(ACME).orElseThrow().state();
                order.add("event:stored-refresh=" + stored.refreshToken().value());
            }
        }).build();
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));

        AccessToken fresh = engine.currentToken(ACME);

        TokenState stored = store.read(ACME).orElseThrow().state();
        assertThat(stored.accessToken()).isEqualTo(fresh);
        assertThat(stored.refreshToken().value()).isEqualTo("refresh-2");
        assertThat(stored.refreshIssuedAt()).isEqualTo(clock.instant());
        assertThat(order).containsExactly("event:stored-refresh=refresh-2");
    }

    @Test
    void doesNotHandOutAnAccessTokenWhoseRotatedRefreshTokenCouldNotBeStored() {
        fortiCnp.rotateRefreshTokens(true);
        TokenEngine engine = engine();
        AccessToken old = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        store.failCas(2); // 1: the lease, 2: the new state

        AccessToken served = engine.currentToken(ACME);

        assertThat(served).isEqualTo(old);
        assertThat(engine.health(ACME).servingStale()).isTrue();
        assertThat(store.read(ACME).orElseThrow().state().accessToken()).isEqualTo(old);
        assertThat(store.read(ACME).orElseThrow().state().refreshToken().value()).isEqualTo("refresh-1");
    }

    @Test
    void servesANewAccessTokenFromMemoryWhenOnlyTheStoreWriteFailedAndNoRefreshTokenWasRotated() {
        TokenEngine engine = engine();
        AccessToken old = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        store.failCas(2);

        AccessToken served = engine.currentToken(ACME);

        assertThat(served).isNotEqualTo(old);
        assertThat(store.read(ACME).orElseThrow().state().accessToken()).isEqualTo(old);
        assertThat(eventsOf(TokenEvent.Failed.class)).singleElement()
                .satisfies(f -> assertThat(f.failure()).isInstanceOf(Failure.StoreFailure.class));
    }

    @Test
    void findsOutWhetherAnUncertainWriteLandedInsteadOfWritingAgain() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        // the store applies the write, then the connection drops before the answer
        OneFailedWriteStore lossy = OneFailedWriteStore.landsThenLosesTheAnswer(store.delegate, 2);
        TokenEngine other = engineBuilder(0.5).store(lossy).build();

        RefreshOutcome outcome = other.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
        assertThat(lossy.writes()).isEqualTo(2);
        assertThat(lossy.log()).containsExactly("read", "cas", "cas!", "read");
        assertThat(store.read(ACME).orElseThrow().state().accessToken()).isEqualTo(other.currentToken(ACME));
        assertThat(eventsOf(TokenEvent.Refreshed.class)).singleElement();
        assertThat(eventsOf(TokenEvent.Failed.class)).isEmpty();
    }

    @Test
    void reportsALoginWhoseWriteHadAnUnknownOutcomeAsALoginOnceItIsFoundStored() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        fortiCnp.revoke(store.read(ACME).orElseThrow().state().refreshToken());
        clock.advance(Duration.ofMinutes(26));
        OneFailedWriteStore lossy = OneFailedWriteStore.landsThenLosesTheAnswer(store.delegate, 2);
        TokenEngine other = engineBuilder(0.5).store(lossy).build();
        events.clear();

        RefreshOutcome outcome = other.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.LOGGED_IN);
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("refresh token rejected"));
        assertThat(eventsOf(TokenEvent.Refreshed.class)).isEmpty();
        assertThat(store.read(ACME).orElseThrow().state().refreshIssuedAt()).isEqualTo(clock.instant());
    }

    @Test
    void anUnknownWriteThatDidNotLandIsNotRepeatedAndItsLeaseIsReleased() {
        fortiCnp.rotateRefreshTokens(true);
        AccessToken old = engine().currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        OneFailedWriteStore lossy = OneFailedWriteStore.failsWithoutWriting(store.delegate, 2,
                Failure.StoreFailure.Reason.OUTCOME_UNKNOWN);
        TokenEngine other = engineBuilder(0.5).store(lossy).build();

        RefreshOutcome outcome = other.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(outcome.failure()).hasValueSatisfying(f -> assertThat(f)
                .isEqualTo(new Failure.StoreFailure(Failure.StoreFailure.Reason.OUTCOME_UNKNOWN, "test store failed write 2")));
        // read, lease, the lost write, the read that finds the old version, the release: no second attempt
        assertThat(lossy.log()).containsExactly("read", "cas", "cas!", "read", "cas");
        TokenState stored = store.read(ACME).orElseThrow().state();
        assertThat(stored.accessToken()).isEqualTo(old);
        assertThat(stored.refreshToken().value()).isEqualTo("refresh-1");
        assertThat(stored.lease()).isEmpty();
        assertThat(stored.lastFailure()).hasValueSatisfying(n -> assertThat(n.kind()).isEqualTo("store"));
        assertThat(other.currentToken(ACME)).isEqualTo(old);
    }

    @Test
    void aWriteThatFailedForSureIsNotReadBackAndItsLeaseIsReleased() {
        AccessToken old = engine().currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        OneFailedWriteStore failing = OneFailedWriteStore.failsWithoutWriting(store.delegate, 2,
                Failure.StoreFailure.Reason.UNAVAILABLE);
        TokenEngine other = engineBuilder(0.5).store(failing).build();

        RefreshOutcome outcome = other.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(outcome.failure()).hasValueSatisfying(f -> assertThat(((Failure.StoreFailure) f).reason())
                .isEqualTo(Failure.StoreFailure.Reason.UNAVAILABLE));
        assertThat(failing.log()).containsExactly("read", "cas", "cas!", "cas");
        TokenState stored = store.read(ACME).orElseThrow().state();
        assertThat(stored.accessToken()).isEqualTo(old);
        assertThat(stored.lease()).isEmpty();
        // no refresh token was rotated: the stored one still works, so the new access token is served
        assertThat(other.currentToken(ACME)).isNotEqualTo(old);
    }

    @Test
    void anUnknownWriteThatCannotBeReadBackLeavesTheLeaseToLapseAndWritesNothingMore() {
        AccessToken old = engine().currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        OneFailedWriteStore lossy = OneFailedWriteStore.failsWithoutWriting(store.delegate, 2,
                Failure.StoreFailure.Reason.OUTCOME_UNKNOWN).readsFailAfterTheFailedWrite();
        TokenEngine other = engineBuilder(0.5).instanceId("other").store(lossy).build();

        RefreshOutcome outcome = other.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(lossy.log()).containsExactly("read", "cas", "cas!", "read");
        assertThat(store.read(ACME).orElseThrow().state().lease())
                .hasValueSatisfying(l -> assertThat(l.owner()).isEqualTo("other"));
        assertThat(other.currentToken(ACME)).isNotEqualTo(old);
    }

    @Test
    void createsAnAccountWhoseFirstWriteHadAnUnknownOutcomeOnceItIsFoundStored() {
        OneFailedWriteStore lossy = OneFailedWriteStore.landsThenLosesTheAnswer(store.delegate, 1);
        TokenEngine engine = engineBuilder(0.5).store(lossy).build();

        RefreshOutcome outcome = engine.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.LOGGED_IN);
        assertThat(lossy.log()).containsExactly("read", "cas!", "read");
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("no stored state"));
        assertThat(engine.currentToken(ACME)).isEqualTo(store.read(ACME).orElseThrow().state().accessToken());
    }

    @Test
    void anExplicitLoginWhoseWriteHadAnUnknownOutcomeReturnsWhatWasFoundStored() {
        OneFailedWriteStore lossy = OneFailedWriteStore.landsThenLosesTheAnswer(store.delegate, 1);
        TokenEngine engine = engineBuilder(0.5).store(lossy).build();

        VersionedState stored = engine.login(ACME, CREDENTIAL, false);

        assertThat(store.read(ACME)).contains(stored);
        assertThat(lossy.writes()).isEqualTo(1);
        assertThat(eventsOf(TokenEvent.LoggedIn.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("explicit login"));
    }

    @Test
    void anExplicitLoginWhoseWriteFailedForSureThrowsTheStoreFailure() {
        OneFailedWriteStore failing = OneFailedWriteStore.failsWithoutWriting(store.delegate, 1,
                Failure.StoreFailure.Reason.PERMISSION_DENIED);
        TokenEngine engine = engineBuilder(0.5).store(failing).build();

        assertThatThrownBy(() -> engine.login(ACME, CREDENTIAL, false))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(((Failure.StoreFailure) e.failure()).reason())
                        .isEqualTo(Failure.StoreFailure.Reason.PERMISSION_DENIED));
        assertThat(failing.log()).containsExactly("read", "cas!");
        assertThat(store.read(ACME)).isEmpty();
    }

    @Test
    void theDefaultInstanceIdIsHostPidAndARandomPart() {
        String id = engine().instanceId();

        assertThat(id).matches("[^/]+/" + ProcessHandle.current().pid() + "/[0-9a-f]{8}").hasSizeLessThanOrEqualTo(200);
        assertThat(engine().instanceId()).isNotEqualTo(id);
    }

    @Test
    void fourEnginesSharingOneStoreRefreshEachTokenOncePerCycle() throws Exception {
        List<TokenEngine> engines = List.of(
                engineBuilder(0.1).instanceId("e1").build(),
                engineBuilder(0.4).instanceId("e2").build(),
                engineBuilder(0.7).instanceId("e3").build(),
                engineBuilder(0.95).instanceId("e4").build());
        engines.get(0).currentToken(ACME);
        List<Instant> callTimes = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int calls = fortiCnp.calls();
            while (clock.instant().isBefore(T0.plus(Duration.ofHours(5)))) {
                clock.advance(Duration.ofSeconds(10));
                List<Future<AccessToken>> got = new ArrayList<>();
                for (TokenEngine e : engines) {
                    got.add(pool.submit(() -> e.currentToken(ACME)));
                }
                for (Future<AccessToken> f : got) {
                    AccessToken t = f.get(10, TimeUnit.SECONDS);
                    assertThat(fortiCnp.expiryOf(t)).isAfter(clock.instant());
                }
                if (fortiCnp.calls() > calls) {
                    assertThat(fortiCnp.calls()).isEqualTo(calls + 1);
                    calls = fortiCnp.calls();
                    callTimes.add(clock.instant());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // 30-min tokens refreshed 5-6 min ahead: one call per cycle of 24-25 min, never two
        assertThat(callTimes).hasSizeBetween(11, 13);
        for (int i = 1; i < callTimes.size(); i++) {
            assertThat(Duration.between(callTimes.get(i - 1), callTimes.get(i))).isBetween(Duration.ofMinutes(24), Duration.ofMinutes(25));
        }
        assertThat(fortiCnp.logins()).isEqualTo(1);
    }

    @Test
    void takesOverWhenTheLeaseHolderDied() {
        TokenEngine engine = engineBuilder(0.5).instanceId("survivor").build();
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(31)); // expired
        VersionedState current = store.read(ACME).orElseThrow();
        Instant lapse = clock.instant().plusSeconds(30);
        store.compareAndSet(ACME, current.version(), current.state().withLease(new Lease("dead-instance", lapse)));

        AccessToken token = engine.currentToken(ACME);

        assertThat(clock.instant()).isAfterOrEqualTo(lapse);
        assertThat(fortiCnp.expiryOf(token)).isAfter(clock.instant());
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(eventsOf(TokenEvent.LeaseTakenOver.class)).singleElement().satisfies(e -> {
            assertThat(e.previousOwner()).isEqualTo("dead-instance");
            assertThat(e.lapsedAt()).isEqualTo(lapse);
        });
        assertThat(store.read(ACME).orElseThrow().state().lease()).isEmpty();
    }

    @Test
    void keepsItsValidTokenWithoutCallingWhileAnotherInstanceHoldsTheLease() {
        TokenEngine engine = engine();
        AccessToken old = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26)); // due, valid
        VersionedState current = store.read(ACME).orElseThrow();
        store.compareAndSet(ACME, current.version(), current.state().withLease(new Lease("other", clock.instant().plusSeconds(30))));

        assertThat(engine.currentToken(ACME)).isEqualTo(old);
        assertThat(engine.refresh(ACME, false).result()).isEqualTo(RefreshOutcome.Result.BUSY);
        assertThat(fortiCnp.refreshes()).isZero();
    }

    @Test
    void waitsForTheLeaseHoldersResultInsteadOfCalling() {
        TokenEngine writer = engineBuilder(0.5).instanceId("writer").build();
        TokenEngine waiter = engineBuilder(0.5).instanceId("waiter").build();
        writer.currentToken(ACME);
        waiter.currentToken(ACME);
        clock.advance(Duration.ofMinutes(31)); // both hold an expired token
        VersionedState current = store.read(ACME).orElseThrow();
        store.compareAndSet(ACME, current.version(), current.state().withLease(new Lease("writer", clock.instant().plusSeconds(30))));
        AtomicBoolean finished = new AtomicBoolean();
        store.beforeRead(n -> {
            // while the waiter polls, the lease holder finishes its refresh
            if (clock.instant().isAfter(T0.plus(Duration.ofMinutes(31)).plusSeconds(2)) && finished.compareAndSet(false, true)) {
                VersionedState leased = store.delegate.read(ACME).orElseThrow();
                TokenState refreshed = leased.state().refreshed(fortiCnp.refresh(leased.state().refreshToken()), clock.instant());
                store.delegate.compareAndSet(ACME, leased.version(), refreshed);
            }
        });

        events.clear(); // the waiter's first load above was an adoption too; count the one that follows

        AccessToken token = waiter.currentToken(ACME);

        assertThat(fortiCnp.refreshes()).isEqualTo(1); // only the holder's
        assertThat(token).isEqualTo(store.read(ACME).orElseThrow().state().accessToken());
        assertThat(eventsOf(TokenEvent.Adopted.class)).hasSize(1);
    }

    @Test
    void sharesTheLeaseHoldersFailureInsteadOfCallingAgainAtOnce() {
        TokenEngine waiter = engineBuilder(0.5).instanceId("waiter").build();
        waiter.currentToken(ACME);
        clock.advance(Duration.ofMinutes(31));
        VersionedState current = store.read(ACME).orElseThrow();
        store.compareAndSet(ACME, current.version(), current.state().withLease(new Lease("holder", clock.instant().plusSeconds(30))));
        AtomicBoolean failed = new AtomicBoolean();
        store.beforeRead(n -> {
            if (clock.instant().isAfter(T0.plus(Duration.ofMinutes(31)).plusSeconds(2)) && failed.compareAndSet(false, true)) {
                VersionedState leased = store.delegate.read(ACME).orElseThrow();
                store.delegate.compareAndSet(ACME, leased.version(), leased.state().failed(
                        dev.cnptoken.domain.FailureNote.of(unavailable(Optional.empty()).failure(), clock.instant())));
            }
        });

        assertThatThrownBy(() -> waiter.currentToken(ACME))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.getMessage()).contains("another instance failed"));
        assertThat(fortiCnp.refreshes()).isZero();
    }

    @Test
    void noThreadEverGetsAnExpiredToken() throws Exception {
        fortiCnp.accessLifetime(Duration.ofMinutes(2));
        EngineSettings settings = EngineSettings.defaults().withExpirySkew(Duration.ofSeconds(5));
        List<TokenEngine> engines = List.of(
                engineBuilder(0.3).settings(settings).instanceId("a").build(),
                engineBuilder(0.8).settings(settings).instanceId("b").build());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<String> violations = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> ticker = pool.submit(() -> {
                for (int i = 0; i < 2000; i++) {
                    clock.advance(Duration.ofMillis(700));
                    if (i % 37 == 0) {
                        fortiCnp.failNext(unavailable(Optional.empty()));
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
                stop.set(true);
                return null;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                TokenEngine engine = engines.get(w % 2);
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        long before = clock.millis();
                        try {
                            AccessToken t = engine.currentToken(ACME);
                            served.incrementAndGet();
                            if (!fortiCnp.expiryOf(t).minusSeconds(5).isAfter(Instant.ofEpochMilli(before))) {
                                violations.add(t + " expires " + fortiCnp.expiryOf(t) + ", asked at " + Instant.ofEpochMilli(before));
                            }
                        } catch (TokenException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            ticker.get(2, TimeUnit.MINUTES);
            for (Future<?> f : workers) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();
        assertThat(served.get()).isGreaterThan(1000);
        assertThat(fortiCnp.refreshes()).isGreaterThan(10);
    }

    @Test
    void reportsAnAccountWithNoStateAndNoCredentialAsNotConfigured() {
        TokenEngine engine = engineBuilder(0.5).credentials(CredentialSource.none()).build();

        assertThatThrownBy(() -> engine.currentToken(ACME))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
                    assertThat(e.getMessage()).contains("acme");
                });
        assertThat(fortiCnp.calls()).isZero();
    }

    @Test
    void sharesAPermanentFailureOfTheLeaseHolderAsPermanent() {
        TokenEngine waiter = engineBuilder(0.5).instanceId("waiter").build();
        waiter.currentToken(ACME);
        clock.advance(Duration.ofMinutes(31));
        VersionedState current = store.read(ACME).orElseThrow();
        store.compareAndSet(ACME, current.version(), current.state().withLease(new Lease("holder", clock.instant().plusSeconds(30))));
        Failure rejected = new Failure.Rejected(Failure.Subject.REFRESH_TOKEN, OptionalInt.of(400), Optional.of("invalid_grant"),
                "the refresh token was refused; no API credential is configured to log in again");
        AtomicBoolean failed = new AtomicBoolean();
        store.beforeRead(n -> {
            if (clock.instant().isAfter(T0.plus(Duration.ofMinutes(31)).plusSeconds(2)) && failed.compareAndSet(false, true)) {
                VersionedState leased = store.delegate.read(ACME).orElseThrow();
                store.delegate.compareAndSet(ACME, leased.version(), leased.state().failed(
                        dev.cnptoken.domain.FailureNote.of(rejected, clock.instant(), clock.instant().plus(Duration.ofMinutes(5)))));
            }
        });

        assertThatThrownBy(() -> waiter.currentToken(ACME)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isInstanceOf(Failure.Rejected.class));
        assertThat(fortiCnp.refreshes()).isZero();
        assertThat(waiter.health(ACME).nextAttemptAt()).isPresent();
    }

    @Test
    void rejectsAGrantThatIsAlreadyExpiredAndKeepsTheLastGoodState() {
        TokenEngine engine = engine();
        AccessToken good = engine.currentToken(ACME);
        VersionedState before = store.read(ACME).orElseThrow();
        clock.advance(Duration.ofMinutes(26));
        fortiCnp.accessLifetime(Duration.ofSeconds(3)); // shorter than the 10 s skew

        RefreshOutcome outcome = engine.refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(outcome.failure()).containsInstanceOf(Failure.Malformed.class);
        assertThat(engine.currentToken(ACME)).isEqualTo(good);
        TokenState after = store.read(ACME).orElseThrow().state();
        assertThat(after.accessToken()).isEqualTo(before.state().accessToken());
        assertThat(after.refreshToken()).isEqualTo(before.state().refreshToken());
        assertThat(after.lease()).isEmpty();
    }

    @Test
    void neverReplacesAHeldTokenWithAStoredOneThatExpiresEarlier() {
        TokenEngine engine = engine();
        AccessToken held = engine.currentToken(ACME);
        VersionedState v = store.read(ACME).orElseThrow();
        TokenState older = new TokenState(new AccessToken("older"), "bearer", v.state().accessExpiresAt().minusSeconds(60),
                v.state().refreshToken(), v.state().refreshIssuedAt(), v.state().updatedAt(), Optional.empty(),
                Optional.empty(), Optional.empty());
        store.compareAndSet(ACME, v.version(), older);
        clock.advance(Duration.ofMinutes(20));

        engine.refresh(ACME, false);

        assertThat(engine.currentToken(ACME)).isEqualTo(held);
    }

    @Test
    void forcedRefreshCallsEvenWhenNotDueAndIgnoresBackoff() {
        TokenEngine engine = engine();
        AccessToken first = engine.currentToken(ACME);
        fortiCnp.failNext(unavailable(Optional.of(Duration.ofMinutes(10))));
        assertThat(engine.refresh(ACME, true).result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(engine.refresh(ACME, false).result()).isEqualTo(RefreshOutcome.Result.BACKING_OFF);

        RefreshOutcome forced = engine.refresh(ACME, true);

        assertThat(forced.result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
        assertThat(engine.currentToken(ACME)).isNotEqualTo(first);
    }

    @Test
    void reportsAnUnreachableStoreWithoutLosingTheHeldToken() {
        TokenEngine engine = engine();
        AccessToken held = engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        store.down(true);

        assertThat(engine.currentToken(ACME)).isEqualTo(held);
        RefreshOutcome outcome = engine.refresh(ACME, true);
        assertThat(outcome.failure()).hasValueSatisfying(f -> {
            assertThat(f).isInstanceOf(Failure.StoreFailure.class);
            assertThat(f.retryable()).isTrue();
        });
        assertThat(fortiCnp.refreshes()).isZero();
    }

    @Test
    void aFailingListenerDoesNotBreakServing() {
        TokenEngine engine = engineBuilder(0.5).listener(e -> {
            throw new IllegalStateException("listener bug");
        }).build();

        assertThat(engine.currentToken(ACME)).isNotNull();
    }

    @Test
    void eventsCarryNoSecret() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        fortiCnp.failNext(unavailable(Optional.empty()));
        engine.currentToken(ACME);
        clock.advance(Duration.ofMinutes(1));
        engine.currentToken(ACME);

        TokenState state = store.read(ACME).orElseThrow().state();
        assertThat(events).isNotEmpty();
        for (TokenEvent e : events) {
            assertThat(e.toString()).doesNotContain("access-", "refresh-", CREDENTIAL.value());
        }
        assertThat(state.toString()).doesNotContain(state.accessToken().value(), state.refreshToken().value());
    }

    @Test
    void aHandleServesTheSameTokensAsTheEngine() {
        TokenEngine engine = engine();
        TokenHandle handle = engine.handle(ACME);

        AccessToken first = handle.get();
        assertThat(engine.currentToken(ACME)).isSameAs(first);
        clock.advance(Duration.ofMinutes(26));
        AccessToken second = handle.get();

        assertThat(second).isNotEqualTo(first);
        assertThat(engine.currentToken(ACME)).isSameAs(second);
        assertThat(fortiCnp.calls()).isEqualTo(2);
        assertThat(handle.toString()).isEqualTo("TokenHandle[acme]");
    }

    @Test
    void withACoarseClockTheHitPathFollowsTheClockWithinItsResolution() throws Exception {
        try (TokenEngine engine = engineBuilder(0.5).clockResolution(Duration.ofMillis(1)).build()) {
            TokenHandle handle = engine.handle(ACME);
            AccessToken first = handle.get();
            clock.advance(Duration.ofMinutes(26));

            AccessToken next = first;
            for (int i = 0; i < 10_000 && next.equals(first); i++) {
                Thread.sleep(1);
                next = handle.get();
            }

            assertThat(next).isNotEqualTo(first);
            assertThat(fortiCnp.refreshes()).isEqualTo(1);
        }
    }

    @Test
    void refusesACoarseClockThatCouldLagPastTheExpirySkew() {
        assertThatThrownBy(() -> engineBuilder(0.5).clockResolution(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clockResolution");
    }

    @Test
    void aJobRefreshesWhatFallsDueBeforeItsNextRun() {
        TokenEngine engine = engine();
        engine.currentToken(ACME);
        TokenState state = store.read(ACME).orElseThrow().state();
        Instant latest = engine.refreshDueAt(state);
        assertThat(latest).isEqualTo(state.accessExpiresAt().minus(Duration.ofMinutes(5)));
        assertThat(engine.refreshTokenExpiresAt(state)).isEqualTo(T0.plus(Duration.ofHours(8)));
        clock.advance(Duration.ofMinutes(10)); // due at 24.5 min with this jitter

        assertThat(engine.refresh(ACME, false, Duration.ofMinutes(10)).result()).isEqualTo(RefreshOutcome.Result.NOT_DUE);
        assertThat(engine.refresh(ACME, false, Duration.ofMinutes(15)).result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanTheTokensLifeStillGetsOneAttemptBeforeTheTokenExpires() {
        fortiCnp.accessLifetime(Duration.ofSeconds(60));
        TokenEngine engine = engine(); // 10 s skew: valid until T0+50s; due at T0+45s (12 s margin, 3 s jitter)
        AccessToken old = engine.currentToken(ACME);
        clock.set(T0.plusSeconds(45));
        fortiCnp.failNext(new TokenException(new Failure.Unavailable(OptionalInt.of(429), Optional.of(Duration.ofSeconds(99_999)),
                "refresh answered HTTP 429")));

        RefreshOutcome failed = engine.refresh(ACME, false);

        assertThat(failed.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(failed.nextCheckAt()).isAfter(clock.instant()).isBefore(T0.plusSeconds(50));
        assertThat(engine.health(ACME).nextAttemptAt()).contains(failed.nextCheckAt());
        assertThat(store.read(ACME).orElseThrow().state().lastFailure().orElseThrow().nextAttemptAt()).contains(failed.nextCheckAt());

        clock.set(failed.nextCheckAt().minusMillis(1));
        assertThat(engine.currentToken(ACME)).isEqualTo(old);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);

        clock.set(failed.nextCheckAt());
        AccessToken fresh = engine.currentToken(ACME);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(fortiCnp.refreshes()).isEqualTo(2);
    }

    @Test
    void aGrantWithARotatedRefreshTokenIsStoredEvenWhenItsAccessTokenLivesNoLongerThanTheSkew() {
        fortiCnp.rotateRefreshTokens(true);
        TokenEngine sane = engineBuilder(0.5).credentials(CredentialSource.none()).instanceId("sane").build();
        sane.login(ACME, CREDENTIAL, false);
        TokenEngine skewed = engineBuilder(0.5).credentials(CredentialSource.none()).instanceId("skewed")
                .settings(EngineSettings.defaults().withExpirySkew(Duration.ofMinutes(40))).build();

        RefreshOutcome outcome = skewed.refresh(ACME, false); // 30-minute tokens against a 40-minute skew

        assertThat(fortiCnp.refreshes()).isEqualTo(1);
        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(outcome.failure()).containsInstanceOf(Failure.NotConfigured.class);
        assertThat(outcome.failure().orElseThrow().describe()).contains("expiry skew").contains("refresh token was stored");
        TokenState stored = store.read(ACME).orElseThrow().state();
        assertThat(fortiCnp.isLive(stored.refreshToken())).as("the rotated refresh token is the stored one").isTrue();
        assertThat(stored.lastFailure()).hasValueSatisfying(n -> assertThat(n.kind()).isEqualTo("not_configured"));
        assertThat(stored.lease()).isEmpty();
        assertThatThrownBy(() -> skewed.currentToken(ACME)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class));

        // with the skew fixed, the stored refresh token still works
        RefreshOutcome fixed = sane.refresh(ACME, true);
        assertThat(fixed.result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
    }

    @Test
    void aLoginWhoseTokenIsUnusableIsStoredAndReportedAsAConfigurationProblem() {
        TokenEngine skewed = engineBuilder(0.5).settings(EngineSettings.defaults().withExpirySkew(Duration.ofMinutes(40))).build();

        assertThatThrownBy(() -> skewed.login(ACME, CREDENTIAL, false)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class));
        assertThat(fortiCnp.isLive(store.read(ACME).orElseThrow().state().refreshToken())).isTrue();
    }

    @Test
    void aFreshEngineHonoursTheBackoffThatAnotherInstanceStoredForADeadRefreshToken() {
        TokenEngine first = engineBuilder(0.5).credentials(CredentialSource.none()).instanceId("first").build();
        AccessToken valid = first.login(ACME, CREDENTIAL, false).state().accessToken();
        fortiCnp.revoke(store.read(ACME).orElseThrow().state().refreshToken());
        clock.advance(Duration.ofMinutes(26));
        RefreshOutcome failed = first.refresh(ACME, false);
        assertThat(failed.failure()).containsInstanceOf(Failure.Rejected.class);
        Instant notBefore = clock.instant().plus(EngineSettings.defaults().backoffCap());
        assertThat(store.read(ACME).orElseThrow().state().lastFailure().orElseThrow().nextAttemptAt()).contains(notBefore);

        // a restarted instance: a new engine on the same store
        TokenEngine restarted = engineBuilder(0.5).credentials(CredentialSource.none()).instanceId("restarted").build();
        RefreshOutcome outcome = restarted.refresh(ACME, false);
        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.BACKING_OFF);
        assertThat(outcome.failure()).containsInstanceOf(Failure.Rejected.class);
        assertThat(outcome.nextCheckAt()).isEqualTo(notBefore);
        assertThat(restarted.currentToken(ACME)).isEqualTo(valid);
        clock.set(notBefore.minusMillis(1));
        assertThat(engineBuilder(0.5).credentials(CredentialSource.none()).instanceId("again").build().refresh(ACME, false).result())
                .isEqualTo(RefreshOutcome.Result.BACKING_OFF);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);

        clock.set(notBefore);
        assertThat(restarted.refresh(ACME, false).result()).isEqualTo(RefreshOutcome.Result.FAILED);
        assertThat(fortiCnp.refreshes()).isEqualTo(2);
    }

    @Test
    void aFreshEngineHonoursAStoredTransientBackoffAndForceOverridesIt() {
        TokenEngine first = engineBuilder(0.5).instanceId("first").build();
        first.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        fortiCnp.failNext(unavailable(Optional.of(Duration.ofSeconds(120))));
        assertThat(first.refresh(ACME, false).result()).isEqualTo(RefreshOutcome.Result.FAILED);

        TokenEngine second = engineBuilder(0.5).instanceId("second").build();
        clock.advance(Duration.ofSeconds(119));
        RefreshOutcome waiting = second.refresh(ACME, false);
        assertThat(waiting.result()).isEqualTo(RefreshOutcome.Result.BACKING_OFF);
        assertThat(waiting.failure()).containsInstanceOf(Failure.Unavailable.class);
        assertThat(fortiCnp.refreshes()).isEqualTo(1);

        TokenEngine forced = engineBuilder(0.5).instanceId("forced").build();
        assertThat(forced.refresh(ACME, true).result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
        assertThat(fortiCnp.refreshes()).isEqualTo(2);
        assertThat(store.read(ACME).orElseThrow().state().lastFailure()).isEmpty();
    }

    @Test
    void aNoteWithoutABackoffAsOlderVersionsWroteItHoldsNothingOff() {
        TokenEngine first = engineBuilder(0.5).instanceId("first").build();
        first.currentToken(ACME);
        clock.advance(Duration.ofMinutes(26));
        VersionedState current = store.read(ACME).orElseThrow();
        store.compareAndSet(ACME, current.version(), current.state().failed(
                new dev.cnptoken.domain.FailureNote("unavailable", "unavailable, HTTP 503: down", clock.instant())));

        RefreshOutcome outcome = engineBuilder(0.5).instanceId("second").build().refresh(ACME, false);

        assertThat(outcome.result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
    }

    private static void awaitBlocked(List<Thread> threads, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            long blocked = threads.stream().filter(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.BLOCKED).count();
            if (blocked >= atLeast) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("threads did not block on the refresh in time");
    }
}
