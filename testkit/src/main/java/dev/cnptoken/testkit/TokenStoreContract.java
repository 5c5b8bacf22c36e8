package dev.cnptoken.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TokenStore} must show. An implementation's test extends this class and
 * supplies a store; the in-memory store runs it too, so the fake is proven to behave like the real
 * stores.
 *
 * <p>{@link #newStore()} is called before each test and must return a store whose namespace is
 * empty (a fresh key prefix, directory or mount path is enough; the server can be shared). A store
 * that is {@link AutoCloseable} is closed after each test.
 */
public abstract class TokenStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    protected TokenStore store;

    /** A store with an empty namespace. */
    protected abstract TokenStore newStore() throws Exception;

    /**
     * Makes the store's backend unreachable for the rest of the test (stop the server, block the
     * port). Stores that cannot be cut off (in memory) keep the default, which skips the outage tests
     * with that reason.
     */
    protected void makeUnavailable() throws Exception {
        Assumptions.abort("this store has no backend that can be cut off");
    }

    /** Concurrent compare-and-set load: threads. */
    protected int casThreads() {
        return 8;
    }

    /** Concurrent compare-and-set load: attempts per thread. */
    protected int casAttemptsPerThread() {
        return 1000;
    }

    @BeforeEach
    final void createStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    final void closeStore() throws Exception {
        store.close();
    }

    /** A complete state with every optional field set and sentinel secrets. */
    protected static TokenState fullState() {
        return new TokenState(
                Sentinels.accessToken(),
                "bearer",
                T0.plusSeconds(3600),
                Sentinels.refreshToken(),
                T0.minusSeconds(60),
                T0,
                Optional.of(Sentinels.credential()),
                Optional.of(new Lease("host-a/1234/9f8e", T0.plusSeconds(30))),
                Optional.of(new FailureNote("unavailable", "unavailable, HTTP 503: refresh answered HTTP 503", T0.minusSeconds(5),
                        Optional.of(T0.plusSeconds(25)))));
    }

    /** A state with no optional field set. */
    protected static TokenState minimalState(String accessToken) {
        return new TokenState(
                new AccessToken(accessToken),
                "bearer",
                T0.plusSeconds(1800),
                new RefreshToken("r-" + accessToken),
                T0,
                T0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    protected static AccountId newAccount() {
        return AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void readsNothingForAnAccountThatWasNeverWritten() {
        assertThat(store.read(newAccount())).isEmpty();
    }

    @Test
    void createsAnAccountFromTheAbsentVersionAndReadsEveryFieldBack() {
        AccountId account = newAccount();
        TokenState state = fullState();

        CasResult result = store.compareAndSet(account, TokenStore.ABSENT, state);

        assertThat(result).isInstanceOf(CasResult.Written.class);
        VersionedState written = ((CasResult.Written) result).state();
        assertThat(written.state()).isEqualTo(state);
        assertThat(written.version()).isPositive();
        assertThat(store.read(account)).contains(written);
    }

    @Test
    void roundTripsAStateWithNoOptionalFields() {
        AccountId account = newAccount();
        TokenState state = minimalState("plain-token");

        written(store.compareAndSet(account, TokenStore.ABSENT, state));

        assertThat(store.read(account).orElseThrow().state()).isEqualTo(state);
    }

    @Test
    void roundTripsTokensWithAwkwardCharactersAndGreatLength() {
        AccountId account = newAccount();
        String awkward = "a+b/c=d\"q'\\u00e9\u00fc\u4e2d{}[]:,%20&?#" + "x".repeat(8000);
        TokenState state = minimalState(awkward).withCredential(Optional.of(new ApiCredential("c492a2c2-b542-46fa-9894-d56d287bab1f")));

        written(store.compareAndSet(account, TokenStore.ABSENT, state));

        assertThat(store.read(account).orElseThrow().state()).isEqualTo(state);
    }

    @Test
    void keepsInstantsToTheMillisecond() {
        AccountId account = newAccount();
        TokenState base = minimalState("t");
        Instant withNanos = Instant.parse("2026-03-01T10:15:30.123456789Z");
        TokenState state = new TokenState(base.accessToken(), base.tokenType(), withNanos, base.refreshToken(),
                withNanos, withNanos, Optional.empty(), Optional.empty(), Optional.empty());

        written(store.compareAndSet(account, TokenStore.ABSENT, state));

        TokenState read = store.read(account).orElseThrow().state();
        assertThat(read.accessExpiresAt().truncatedTo(ChronoUnit.MILLIS)).isEqualTo(withNanos.truncatedTo(ChronoUnit.MILLIS));
        assertThat(read.refreshIssuedAt().truncatedTo(ChronoUnit.MILLIS)).isEqualTo(withNanos.truncatedTo(ChronoUnit.MILLIS));
        assertThat(read.updatedAt().truncatedTo(ChronoUnit.MILLIS)).isEqualTo(withNanos.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void changesTheVersionOnEveryWriteAndAcceptsTheLatestOne() {
        AccountId account = newAccount();
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("one")));
        VersionedState second = written(store.compareAndSet(account, first.version(), minimalState("two")));
        VersionedState third = written(store.compareAndSet(account, second.version(), fullState()));

        assertThat(Set.of(first.version(), second.version(), third.version())).hasSize(3);
        assertThat(store.read(account)).contains(third);
    }

    @Test
    void refusesToCreateAnAccountThatAlreadyExists() {
        AccountId account = newAccount();
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("one")));

        CasResult again = store.compareAndSet(account, TokenStore.ABSENT, minimalState("two"));

        assertThat(again).isInstanceOf(CasResult.Conflict.class);
        assertThat(store.read(account)).contains(first);
    }

    @Test
    void refusesAStaleVersionAndLeavesTheStateAsItWas() {
        AccountId account = newAccount();
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("one")));
        VersionedState second = written(store.compareAndSet(account, first.version(), minimalState("two")));

        CasResult stale = store.compareAndSet(account, first.version(), minimalState("three"));

        assertThat(stale.written()).isFalse();
        assertThat(store.read(account)).contains(second);
    }

    @Test
    void refusesToUpdateAnAccountThatDoesNotExist() {
        AccountId account = newAccount();

        CasResult result = store.compareAndSet(account, 1, minimalState("one"));

        assertThat(result).isInstanceOf(CasResult.Conflict.class);
        assertThat(store.read(account)).isEmpty();
    }

    @Test
    void keepsAccountsApartAndListsThemSorted() {
        AccountId b = AccountId.of("b-" + UUID.randomUUID().toString().substring(0, 6));
        AccountId a = AccountId.of("a-" + UUID.randomUUID().toString().substring(0, 6));
        written(store.compareAndSet(b, TokenStore.ABSENT, minimalState("for-b")));
        written(store.compareAndSet(a, TokenStore.ABSENT, minimalState("for-a")));

        assertThat(store.read(a).orElseThrow().state().accessToken().value()).isEqualTo("for-a");
        assertThat(store.read(b).orElseThrow().state().accessToken().value()).isEqualTo("for-b");
        assertThat(store.accounts()).containsExactly(a, b);
    }

    @Test
    void clearsOptionalFieldsWhenTheNextStateHasNone() {
        AccountId account = newAccount();
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        TokenState cleared = minimalState("after");

        written(store.compareAndSet(account, first.version(), cleared));

        assertThat(store.read(account).orElseThrow().state()).isEqualTo(cleared);
    }

    @Test
    void letsExactlyOneOfManyConcurrentWritersWinEachVersion() throws Exception {
        AccountId account = newAccount();
        written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("0")));
        int threads = casThreads();
        int attempts = casAttemptsPerThread();
        List<String> wins = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attempts; i++) {
                        VersionedState seen = store.read(account).orElseThrow();
                        long n = Long.parseLong(seen.state().accessToken().value().split(":")[0]);
                        String next = (n + 1) + ":" + thread + ":" + i;
                        if (store.compareAndSet(account, seen.version(), minimalState(next)).written()) {
                            wins.add(next);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        String last = store.read(account).orElseThrow().state().accessToken().value();
        long counter = Long.parseLong(last.split(":")[0]);
        Set<Long> steps = new HashSet<>();
        for (String w : wins) {
            steps.add(Long.parseLong(w.split(":")[0]));
        }
        // every successful write moved the counter by exactly one: no lost update, no double win
        assertThat(wins).isNotEmpty().doesNotHaveDuplicates();
        assertThat(steps).hasSize(wins.size());
        assertThat(counter).isEqualTo(wins.size());
        assertThat(wins).contains(last);
    }

    @Test
    void neverShowsASecretInItsToString() {
        AccountId account = newAccount();
        TokenState state = fullState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));
        store.read(account);

        assertThat(store.toString()).doesNotContain(state.accessToken().value(), state.refreshToken().value(),
                state.credential().orElseThrow().value());
    }

    @Test
    void reportsAnUnreachableBackendAsATransientStoreFailureWithoutSecrets() throws Exception {
        AccountId account = newAccount();
        TokenState state = fullState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));

        makeUnavailable();

        for (Runnable call : List.<Runnable>of(
                () -> store.read(account),
                () -> store.compareAndSet(account, 1, state),
                () -> store.accounts())) {
            assertThatThrownBy(call::run)
                    .isInstanceOfSatisfying(TokenException.class, e -> {
                        assertThat(e.failure()).isInstanceOf(Failure.StoreFailure.class);
                        assertThat(e.retryable()).isTrue();
                        assertNoSecret(e, state);
                    });
        }
    }

    @Test
    void afterAWriteWithAnUnknownOutcomeThatLandedReadsTheNewStateAtANewVersion() {
        AccountId account = newAccount();
        VersionedState before = written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("before")));
        TokenState next = fullState();

        assertOutcomeUnknown(() -> new AnswerLosingTokenStore(store).compareAndSet(account, before.version(), next));

        VersionedState after = store.read(account).orElseThrow();
        assertThat(after.state()).isEqualTo(next);
        assertThat(after.version()).isNotEqualTo(before.version());
        // what the caller learns from the read is enough: the write is not repeated, and a blind repeat is refused
        assertThat(store.compareAndSet(account, before.version(), next).written()).isFalse();
        assertThat(store.read(account)).contains(after);
    }

    @Test
    void afterAWriteWithAnUnknownOutcomeThatDidNotLandReadsTheOldStateAtTheOldVersion() {
        AccountId account = newAccount();
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, minimalState("first")));
        VersionedState current = written(store.compareAndSet(account, first.version(), minimalState("current")));

        // sent with a version that had moved on, so the store refused it; then the answer was lost
        assertOutcomeUnknown(() -> new AnswerLosingTokenStore(store).compareAndSet(account, first.version(), fullState()));

        assertThat(store.read(account)).contains(current);
    }

    @Test
    void afterCreatingAnAccountWithAnUnknownOutcomeReadsEitherNothingOrTheWholeState() {
        AccountId landed = newAccount();
        AccountId refused = newAccount();
        VersionedState existing = written(store.compareAndSet(refused, TokenStore.ABSENT, minimalState("existing")));
        TokenState next = fullState();

        assertOutcomeUnknown(() -> new AnswerLosingTokenStore(store).compareAndSet(landed, TokenStore.ABSENT, next));
        assertOutcomeUnknown(() -> new AnswerLosingTokenStore(store).compareAndSet(refused, TokenStore.ABSENT, next));

        VersionedState created = store.read(landed).orElseThrow();
        assertThat(created.state()).isEqualTo(next);
        assertThat(created.version()).isNotEqualTo(TokenStore.ABSENT);
        assertThat(store.read(refused)).contains(existing);
    }

    private static void assertOutcomeUnknown(Runnable write) {
        assertThatThrownBy(write::run).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.StoreFailure.class);
            assertThat(((Failure.StoreFailure) e.failure()).reason()).isEqualTo(Failure.StoreFailure.Reason.OUTCOME_UNKNOWN);
        });
    }

    /**
     * The store under test, except that its compareAndSet loses every answer: the request reaches
     * the store and takes effect (or is refused) there, then the caller gets {@code OUTCOME_UNKNOWN},
     * as after a connection lost once the request was sent.
     */
    private static final class AnswerLosingTokenStore implements TokenStore {
        private final TokenStore real;

        AnswerLosingTokenStore(TokenStore real) {
            this.real = real;
        }

        @Override
        public Optional<VersionedState> read(AccountId account) {
            return real.read(account);
        }

        @Override
        public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
            real.compareAndSet(account, expectedVersion, next);
            throw new TokenException(new Failure.StoreFailure(Failure.StoreFailure.Reason.OUTCOME_UNKNOWN,
                    "the connection was lost after the write was sent"));
        }

        @Override
        public List<AccountId> accounts() {
            return real.accounts();
        }
    }

    /** Asserts that neither the exception nor any of its causes mentions a secret of {@code state}. */
    protected static void assertNoSecret(Throwable e, TokenState state) {
        List<String> secrets = new ArrayList<>();
        secrets.add(state.accessToken().value());
        secrets.add(state.refreshToken().value());
        state.credential().ifPresent(c -> secrets.add(c.value()));
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t + " " + t.getMessage();
            for (String secret : secrets) {
                for (String needle : Sentinels.needles(secret)) {
                    assertThat(text).doesNotContain(needle);
                }
            }
        }
    }

    protected static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
