package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real redis-server, with the refresh-side secrets encrypted. */
class EncryptedRedisTokenStoreTest extends TokenStoreContract {
    private static TestRedis redis;
    private static String key;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        key = Base64.getEncoder().encodeToString(raw);
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
                .keyPrefix("e" + UUID.randomUUID().toString().substring(0, 8))
                .encryptionKey(key, "a test")
                .build();
    }

    @Override
    protected void makeUnavailable() {
        redis.stop();
    }
}
