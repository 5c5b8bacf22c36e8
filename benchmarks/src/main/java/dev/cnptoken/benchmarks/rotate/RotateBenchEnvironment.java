package dev.cnptoken.benchmarks.rotate;

import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.benchmarks.Harness;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.simulator.FortiCnpSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import redis.embedded.RedisServer;

/**
 * Starts what {@code benchmarks/rotate/run.sh} measures against and keeps it running: a FortiCNP
 * simulator (plain HTTP) and an embedded redis-server 7.0.15, both on free loopback ports, then logs
 * in {@code --accounts} accounts ({@code bench-0001}, ...; five digits from 10,000 accounts on) through the library (Feign transport,
 * {@link RedisTokenStore}, {@link TokenEngine#login}), so the store holds exactly what {@code
 * cnp-token login} would have written.
 *
 * <p>Prints {@code KEY=value} lines on stdout ({@code BASE_URL}, {@code REDIS_PORT}, {@code
 * REDIS_URL}, {@code ACCOUNTS}, {@code FIRST_ACCOUNT}, {@code LATENCY_MS}, {@code SEED_MS}), then
 * {@code READY}, and runs until its standard
 * input closes or it gets SIGTERM/SIGINT; then it stops the simulator and the redis-server. The
 * credential is random and never printed.
 *
 * <p>Options: {@code --accounts N} (default 1000, at most 99,999), {@code --access-lifetime
 * ISO-8601} (default {@code PT30M}), {@code --latency-ms N} (default 0: the simulator holds back
 * every answer this long, as if FortiCNP were that far away), {@code --credential-file FILE} (the
 * API credential the simulator accepts, read from this file instead of a random one, so a harness
 * can also time {@code cnp-token login}).
 */
public final class RotateBenchEnvironment {
    /** Logins at once while seeding. */
    private static final int SEED_THREADS = 32;

    private RotateBenchEnvironment() {}

    public static void main(String[] args) throws Exception {
        // TCP_NODELAY for the simulator's JDK HTTP server (the simulator leaves JVM settings alone)
        System.setProperty(FortiCnpSimulator.NODELAY_PROPERTY, "true");
        int accounts = 1000;
        Duration accessLifetime = Duration.ofMinutes(30);
        Path credentialFile = null;
        Duration latency = Duration.ZERO;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--accounts" -> accounts = Integer.parseInt(Harness.value(args, ++i));
                case "--access-lifetime" -> accessLifetime = Duration.parse(Harness.value(args, ++i));
                case "--credential-file" -> credentialFile = Path.of(Harness.value(args, ++i));
                case "--latency-ms" -> latency = Duration.ofMillis(Long.parseLong(Harness.value(args, ++i)));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --accounts N, --access-lifetime PT30M, --latency-ms N, --credential-file FILE)");
            }
        }
        if (accounts < 1 || accounts > 99_999) {
            throw new IllegalArgumentException("--accounts must be 1..99999");
        }

        ApiCredential credential = new ApiCredential(credentialFile == null
                ? UUID.randomUUID().toString() : Files.readString(credentialFile).strip());
        Path redisDir = Files.createTempDirectory("cnp-rotate-bench-redis");
        int redisPort = Harness.freePort();
        RedisServer redis = RedisServer.builder()
                .port(redisPort)
                .setting("bind 127.0.0.1")
                .setting("dir " + redisDir)
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
        FortiCnpSimulator simulator = null;
        try {
            simulator = FortiCnpSimulator.builder()
                    .credential(credential)
                    .accessTokenLifetime(accessLifetime)
                    .latency(latency)
                    .start();
            FortiCnpSimulator sim = simulator;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(sim, redis, redisDir), "rotate-bench-stop"));

            long seedStart = System.nanoTime();
            seed(simulator, redisPort, credential, accounts);
            long seedMillis = (System.nanoTime() - seedStart) / 1_000_000;

            System.out.println("BASE_URL=" + simulator.baseUrl());
            System.out.println("REDIS_PORT=" + redisPort);
            System.out.println("REDIS_URL=redis://127.0.0.1:" + redisPort);
            System.out.println("ACCOUNTS=" + accounts);
            System.out.println("FIRST_ACCOUNT=" + accountName(1, accounts));
            System.out.println("LATENCY_MS=" + latency.toMillis());
            System.out.println("SEED_MS=" + seedMillis);
            System.out.println("READY");
            System.out.flush();

            // Runs until stdin closes (the harness holds it open) or a signal ends the JVM.
            InputStream in = System.in;
            byte[] sink = new byte[256];
            while (in.read(sink) != -1) {
                // ignore input
            }
        } finally {
            stop(simulator, redis, redisDir);
        }
    }

    private static void seed(FortiCnpSimulator simulator, int redisPort, ApiCredential credential, int accounts)
            throws InterruptedException, ExecutionException {
        try (FeignTokenRefresher refresher = FeignTokenRefresher.builder().baseUrl(simulator.baseUrl()).build();
                RedisTokenStore store = RedisTokenStore.builder().uri("redis://127.0.0.1:" + redisPort)
                        .poolSize(SEED_THREADS).build();
                TokenEngine engine = TokenEngine.builder().refresher(refresher).store(store).instanceId("rotate-bench-seed").build()) {
            // as wide as the store's pool allows: with a latency, the logins mostly wait
            ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 1; i <= accounts; i++) {
                    AccountId id = AccountId.of(accountName(i, accounts));
                    done.add(pool.submit(() -> engine.login(id, credential, false)));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            int stored = store.accounts().size();
            if (stored != accounts) {
                throw new IllegalStateException("seeded " + accounts + " accounts but the store lists " + stored);
            }
        }
    }

    /**
     * {@code bench-0001} ... {@code bench-9999}, or {@code bench-00001} ... from 10,000 accounts on:
     * fixed width within a run, so sorted order is numeric order.
     */
    static String accountName(int i, int accounts) {
        return String.format(accounts > 9999 ? "bench-%05d" : "bench-%04d", i);
    }

    private static synchronized void stop(FortiCnpSimulator simulator, RedisServer redis, Path redisDir) {
        if (simulator != null) {
            simulator.close();
        }
        try {
            if (redis.isActive()) {
                redis.stop();
            }
        } catch (RuntimeException e) {
            System.err.println("rotate-bench: could not stop redis-server: " + e.getClass().getSimpleName());
        }
        try (var files = Files.walk(redisDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

}
