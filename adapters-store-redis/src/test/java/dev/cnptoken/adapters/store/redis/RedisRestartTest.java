package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A redis-server restarted in the middle of a run (append-only file, so data survives): the store
 * reconnects, and writes that were in flight are settled by re-reading, never applied twice.
 */
class RedisRestartTest {
    private TestRedis redis;
    private RedisTokenStore store;
    private AccountId account;

    @BeforeEach
    void start() {
        redis = TestRedis.start(true);
        store = RedisTokenStore.builder().uri(redis.uri() + "?timeout=1000&connectTimeout=500").build();
        account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void stop() {
        store.close();
        redis.close();
    }

    @Test
    void readsAndWritesRightAfterARestartWithoutAFailure() {
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, state("0")));
        // warm the pool: several idle connections that the restart will kill
        parallelReads(6);

        redis.restart();

        assertThat(store.read(account)).contains(first); // a dead pooled connection is replaced, not reported
        redis.restart();
        VersionedState second = written(store.compareAndSet(account, first.version(), state("1")));
        assertThat(store.read(account)).contains(second);
        assertThat(store.accounts()).containsExactly(account);
    }

    @Test
    void losesNoUpdateAndAppliesNoneTwiceWhenRedisRestartsUnderLoad() throws Exception {
        written(store.compareAndSet(account, TokenStore.ABSENT, state("0")));
        int threads = 4;
        List<String> wins = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger unknownOutcomes = new AtomicInteger();
        AtomicInteger transientFailures = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch progress = new CountDownLatch(threads * 50);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                int i = 0;
                while (running.get()) {
                    i++;
                    try {
                        VersionedState seen = store.read(account).orElseThrow();
                        long n = Long.parseLong(seen.state().accessToken().value().split(":")[0]);
                        String next = (n + 1) + ":" + thread + ":" + i;
                        if (store.compareAndSet(account, seen.version(), state(next)).written()) {
                            wins.add(next);
                        }
                    } catch (TokenException e) {
                        if (!(e.failure() instanceof Failure.StoreFailure f)) {
                            unexpected.add(e);
                        } else if (f.reason() == Failure.StoreFailure.Reason.OUTCOME_UNKNOWN) {
                            unknownOutcomes.incrementAndGet();
                        } else if (f.reason() == Failure.StoreFailure.Reason.UNAVAILABLE) {
                            transientFailures.incrementAndGet();
                        } else {
                            unexpected.add(e);
                        }
                        sleep(20);
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                    }
                    progress.countDown();
                }
                return null;
            }));
        }
        try {
            assertThat(progress.await(60, TimeUnit.SECONDS)).isTrue();
            int before = wins.size();
            redis.restart();
            int afterFirst = wins.size();
            sleep(300);
            redis.restart();
            sleep(300);
            int target = wins.size() + 200;
            for (int waited = 0; wins.size() < target && waited < 600; waited++) {
                sleep(100);
            }
            assertThat(before).isPositive();
            assertThat(wins.size()).isGreaterThan(afterFirst); // it kept going after the restarts
        } finally {
            running.set(false);
            pool.shutdown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(unexpected).isEmpty();
        long counter = Long.parseLong(store.read(account).orElseThrow().state().accessToken().value().split(":")[0]);
        Set<Long> steps = new HashSet<>();
        for (String w : wins) {
            steps.add(Long.parseLong(w.split(":")[0]));
        }
        // no step won twice; every stored step is a reported win, except those whose outcome was
        // honestly reported as unknown
        assertThat(steps).hasSize(wins.size());
        assertThat(counter).isBetween((long) wins.size(), (long) wins.size() + unknownOutcomes.get());
    }

    private void parallelReads(int n) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> futures = new ArrayList<>();
            CountDownLatch together = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    together.countDown();
                    together.await();
                    return store.read(account);
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static TokenState state(String access) {
        Instant t = Instant.parse("2026-03-01T10:15:30.123Z");
        return new TokenState(new AccessToken(access), "bearer", Instant.now().plusSeconds(600),
                new RefreshToken("r-" + access), t, t, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
