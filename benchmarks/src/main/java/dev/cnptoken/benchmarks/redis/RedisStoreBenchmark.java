package dev.cnptoken.benchmarks.redis;

import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.benchmarks.Harness;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * One rotation step as the engine does it, read then compare-and-set, through {@link RedisTokenStore},
 * beside the least a hand-written client would do for the same data: GET then SET of one string of
 * the same size, no atomicity. Both in the same run against the same redis-server on loopback.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RedisStoreBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisStoreBenchmark {
    private RedisServer server;
    private RedisTokenStore store;
    private RedisClient raw;
    private AccountId account;
    private TokenState next;
    private String rawKey;
    private String rawValue;

    @Setup(Level.Trial)
    public void start() throws IOException {
        int port = Harness.freePort();
        server = RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
        server.start();
        store = RedisTokenStore.builder().uri("redis://127.0.0.1:" + port).build();
        raw = RedisClient.create("127.0.0.1", port);

        account = AccountId.of("bench");
        Instant now = Instant.now();
        // realistic sizes: FortiCNP tokens are JWT-like strings of several hundred characters
        next = new TokenState(new AccessToken("a".repeat(800)), "bearer", now.plusSeconds(3600),
                new RefreshToken("r".repeat(800)), now, now, Optional.of(new ApiCredential("c".repeat(36))),
                Optional.empty(), Optional.empty());
        if (!store.compareAndSet(account, TokenStore.ABSENT, next).written()) {
            throw new IllegalStateException("could not seed the benchmark account");
        }
        rawKey = "raw:{bench}";
        // the same payload as one string: both tokens, the credential, type and three instants
        rawValue = next.accessToken().value() + "|bearer|" + next.accessExpiresAt().toEpochMilli() + "|"
                + next.refreshToken().value() + "|" + now.toEpochMilli() + "|" + now.toEpochMilli() + "|"
                + next.credential().orElseThrow().value();
        raw.set(rawKey, rawValue);
    }

    @TearDown(Level.Trial)
    public void stop() {
        store.close();
        raw.close();
        server.stop();
    }

    @Benchmark
    public long storeReadThenCompareAndSet() {
        VersionedState seen = store.read(account).orElseThrow();
        CasResult result = store.compareAndSet(account, seen.version(), next);
        if (!(result instanceof CasResult.Written written)) {
            throw new IllegalStateException("unexpected conflict in a single-threaded benchmark");
        }
        return written.state().version();
    }

    @Benchmark
    public String rawJedisGetThenSet() {
        String seen = raw.get(rawKey);
        raw.set(rawKey, rawValue);
        return seen;
    }

}
