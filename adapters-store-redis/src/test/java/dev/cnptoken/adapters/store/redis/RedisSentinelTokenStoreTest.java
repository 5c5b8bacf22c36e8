package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisSentinel;

/**
 * The store contract through Redis Sentinel: a real sentinel (the embedded redis-server binary in
 * sentinel mode) names the primary, a real redis-server. The store finds the primary through the
 * sentinel only.
 */
class RedisSentinelTokenStoreTest extends TokenStoreContract {
    private static final String MASTER = "cnpmaster";
    private static TestRedis primary;
    private static RedisSentinel sentinel;
    private static int sentinelPort;

    @BeforeAll
    static void startPrimaryAndSentinel() {
        primary = TestRedis.start();
        sentinelPort = freePort();
        sentinel = RedisSentinel.builder()
                .bind("127.0.0.1")
                .port(sentinelPort)
                .masterName(MASTER)
                .masterPort(primary.port())
                .quorumSize(1)
                .downAfterMilliseconds(60_000L)
                .build();
        sentinel.start();
    }

    @AfterAll
    static void stop() {
        sentinel.stop();
        primary.close();
    }

    @Override
    protected TokenStore newStore() {
        primary.ensureRunning();
        return RedisTokenStore.builder()
                .uri("redis://127.0.0.1:" + sentinelPort + "?timeout=1000&connectTimeout=500")
                .sentinel(MASTER)
                .keyPrefix("s" + UUID.randomUUID().toString().substring(0, 8))
                .build();
    }

    @Override
    protected void makeUnavailable() {
        primary.stop();
    }

    @Test
    void writesToThePrimaryTheSentinelNames() {
        written(store.compareAndSet(newAccount(), TokenStore.ABSENT, minimalState("via-sentinel")));

        assertThat(store.toString()).contains("sentinel master " + MASTER);
        try (var raw = primary.admin()) {
            assertThat(raw.dbSize()).isPositive();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
