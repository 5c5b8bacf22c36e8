package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real redis-server on loopback. */
class RedisTokenStoreTest extends TokenStoreContract {
    private static TestRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected TokenStore newStore() {
        // an earlier outage test stops the server: every test starts with one running
        redis.ensureRunning();
        return RedisTokenStore.builder()
                .uri(redis.uri())
                .keyPrefix("t" + UUID.randomUUID().toString().substring(0, 8))
                .build();
    }

    @Override
    protected void makeUnavailable() {
        redis.stop();
    }
}
