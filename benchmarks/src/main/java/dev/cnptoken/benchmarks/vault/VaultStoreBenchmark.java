package dev.cnptoken.benchmarks.vault;

import dev.cnptoken.adapters.store.vault.VaultTokenStore;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.vault.VaultEmulator;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.api.WriteOptions;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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

/**
 * One account's read + compare-and-set round trip, single-threaded, against the Vault emulator on
 * loopback (not a real Vault: the figures compare client-side overhead, not Vault's own speed).
 *
 * <ul>
 *   <li>{@code driverReadThenCasWrite}: the Vault driver alone, the minimum equivalent: read the KV
 *       v2 secret, write it back with {@code cas} = the version read (2 HTTP requests).
 *   <li>{@code storeRoundTripNewAccessToken}: {@code VaultTokenStore.read} then {@code
 *       compareAndSet} with a new access token, as after a refresh: the refresh secret is read and
 *       written, then the access copy is written (3 requests; this process is the only writer, so
 *       the access copy's check-and-set needs no read first).
 *   <li>{@code storeRoundTripSameAccessToken}: the same with an unchanged access token, as when only
 *       the lease or the last failure changes: the access copy is left alone (2 requests).
 * </ul>
 *
 * Sample mode (percentiles), because the build machines are shared and a mean is easily skewed.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar VaultStoreBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(2)
public class VaultStoreBenchmark {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SECRET =
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6IkFQSSIsImlzcyI6ImZhdXRoLXNlcnZlciIsImV4cCI6MTc3MjM2MDAwMH0.c2lnbmF0dXJl";

    private VaultEmulator emulator;
    private TokenStore store;
    private Logical driver;
    private final AccountId account = AccountId.of("bench");
    private final String rawPath = "secret/raw/bench/refresh";
    private Map<String, Object> rawData;
    private TokenState same;
    private long counter;

    @Setup(Level.Trial)
    public void start() throws VaultException {
        emulator = VaultEmulator.start();
        store = VaultTokenStore.builder().address(emulator.address()).token(emulator.rootToken()).build();
        same = state(SECRET);
        if (!store.compareAndSet(account, TokenStore.ABSENT, same).written()) {
            throw new IllegalStateException("setup write lost");
        }
        VaultConfig config = new VaultConfig().address(emulator.address()).token(emulator.rootToken())
                .engineVersion(2).prefixPathDepth(1).httpClient(HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1).build()).build();
        driver = Vault.create(config).withRetries(0, 0).logical();
        rawData = new LinkedHashMap<>();
        rawData.put("access_token", SECRET);
        rawData.put("token_type", "bearer");
        rawData.put("expires_at", T0.toEpochMilli());
        rawData.put("refresh_token", "r-" + SECRET);
        rawData.put("refresh_issued_at", T0.toEpochMilli());
        rawData.put("updated_at", T0.toEpochMilli());
        driver.write(rawPath, rawData, null, new WriteOptions().checkAndSet(0L).build());
    }

    @TearDown(Level.Trial)
    public void stop() {
        emulator.close();
    }

    private static TokenState state(String access) {
        return new TokenState(new AccessToken(access), "bearer", T0, new RefreshToken("r-" + SECRET), T0, T0,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Benchmark
    public LogicalResponse driverReadThenCasWrite() throws VaultException {
        LogicalResponse read = driver.read(rawPath);
        long version = read.getDataMetadata().getVersion();
        LogicalResponse written = driver.write(rawPath, rawData, null, new WriteOptions().checkAndSet(version).build());
        if (written.getRestResponse().getStatus() != 200) {
            throw new IllegalStateException("raw write failed: HTTP " + written.getRestResponse().getStatus());
        }
        return written;
    }

    @Benchmark
    public CasResult storeRoundTripNewAccessToken() {
        VersionedState current = store.read(account).orElseThrow();
        CasResult r = store.compareAndSet(account, current.version(), state(SECRET + (++counter)));
        if (!r.written()) {
            throw new IllegalStateException("lost a race with nobody");
        }
        return r;
    }

    @Benchmark
    public CasResult storeRoundTripSameAccessToken() {
        VersionedState current = store.read(account).orElseThrow();
        CasResult r = store.compareAndSet(account, current.version(), same);
        if (!r.written()) {
            throw new IllegalStateException("lost a race with nobody");
        }
        return r;
    }
}
