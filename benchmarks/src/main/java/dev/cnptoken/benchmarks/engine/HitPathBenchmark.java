package dev.cnptoken.benchmarks.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenHandle;
import org.openjdk.jmh.annotations.TearDown;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hit path: {@link TokenEngine#currentToken} while the token is valid, beside a plain volatile
 * read of a token field (the floor any cache can reach). Run with {@code -t 1} and {@code -t 2}
 * and {@code -prof gc} for B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HitPathBenchmark {
    private static final AccountId ACCOUNT = AccountId.of("bench");

    private TokenEngine engine;
    private TokenHandle handle;
    private TokenEngine coarseEngine;
    private TokenHandle coarseHandle;
    private volatile AccessToken field;
    private long expiresAtMillis;

    @Setup
    public void setUp() {
        TokenRefresher refresher = new TokenRefresher() {
            @Override
            public TokenGrant login(ApiCredential credential) {
                return grant();
            }

            @Override
            public TokenGrant refresh(RefreshToken refreshToken) {
                return grant();
            }

            private TokenGrant grant() {
                return new TokenGrant(new AccessToken("bench-access-token"), "bearer",
                        Instant.now().plus(Duration.ofDays(30)), Optional.of(new RefreshToken("bench-refresh-token")));
            }
        };
        engine = TokenEngine.builder()
                .refresher(refresher)
                .store(new InMemoryTokenStore())
                .credentials(a -> Optional.of(new ApiCredential("bench-credential")))
                .build();
        handle = engine.handle(ACCOUNT);
        coarseEngine = TokenEngine.builder()
                .refresher(refresher)
                .store(new InMemoryTokenStore())
                .credentials(a -> Optional.of(new ApiCredential("bench-credential")))
                .clockResolution(Duration.ofMillis(100))
                .build();
        coarseHandle = coarseEngine.handle(ACCOUNT);
        coarseHandle.get();
        field = engine.currentToken(ACCOUNT);
        expiresAtMillis = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
    }

    @TearDown
    public void tearDown() {
        engine.close();
        coarseEngine.close();
    }

    /** The default engine, looked up by account: a map lookup, a clock read, a volatile read. */
    @Benchmark
    public AccessToken engineCurrentToken() {
        return engine.currentToken(ACCOUNT);
    }

    /** The default engine through a handle: a clock read and a volatile read. */
    @Benchmark
    public AccessToken engineHandle() {
        return handle.get();
    }

    /** An engine with a 100 ms clock resolution, through a handle: two volatile reads. */
    @Benchmark
    public AccessToken engineHandleCoarseClock() {
        return coarseHandle.get();
    }

    @Benchmark
    public AccessToken volatileRead() {
        return field;
    }

    /** What one wall-clock read costs on this machine: the floor of any expiry check. */
    @Benchmark
    public long clockRead() {
        return System.currentTimeMillis();
    }

    /** A volatile read plus an expiry check against the wall clock. */
    @Benchmark
    public AccessToken volatileReadWithExpiryCheck() {
        AccessToken t = field;
        return System.currentTimeMillis() < expiresAtMillis ? t : null;
    }
}
