package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/** Building a store: clear errors for bad settings, and the settings reach the connection. */
class RedisTokenStoreBuilderTest {
    private static TestRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void needsExactlyOneOfAUriAndAClient() {
        assertThatThrownBy(() -> RedisTokenStore.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one of uri(...) and client(...)");
        try (RedisClient client = redis.admin()) {
            assertThatThrownBy(() -> RedisTokenStore.builder().uri(redis.uri()).client(client).build())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RedisTokenStore.builder().client(client).poolSize(3).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configure that client instead");
        }
        assertThatThrownBy(() -> RedisTokenStore.builder().uri(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("uri == null");
    }

    @Test
    void explainsWhatIsWrongWithAUri() {
        assertUriRejected("http://127.0.0.1:6379", "redis:// or rediss://");
        assertUriRejected("redis://127.0.0.1:6379/x", "database number");
        assertUriRejected("redis://127.0.0.1:6379?poolsize=3", "unknown option \"poolsize\"");
        assertUriRejected("redis://127.0.0.1:6379?timeout=0", "timeout must be a positive whole number");
        assertUriRejected("redis:///0", "no host");
        assertUriRejected("redis://cnp-job@127.0.0.1", "password(...)");
        assertThatThrownBy(() -> RedisTokenStore.builder().uri("redis://127.0.0.1").cluster().sentinel("m").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> RedisTokenStore.builder().uri("redis://127.0.0.1/2").cluster().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only database 0");
        assertThatThrownBy(() -> RedisTokenStore.builder().uri("redis://127.0.0.1").cluster("nohost").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> RedisTokenStore.builder().uri("redis://127.0.0.1")
                        .trustStore(java.nio.file.Path.of("trust.p12"), new char[0])
                        .build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rediss://");
    }

    @Test
    void refusesAKeyPrefixThatWouldBreakTheKeyPatterns() {
        for (String bad : new String[] {"", "a b", "cnp*", "cnp{x}", "cnp:", ":cnp", "x".repeat(65)}) {
            assertThatThrownBy(() -> RedisTokenStore.builder().uri(redis.uri()).keyPrefix(bad).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key prefix");
        }
        assertThatThrownBy(() -> RedisTokenStore.builder().poolSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisTokenStore.builder().socketTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usesTheDatabaseAndClientNameOfTheUri() {
        AccountId account = AccountId.of("db-check");
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri(redis.uri() + "/3?clientName=rotation-job&poolSize=2&timeout=1500&connectTimeout=700")
                .build()) {
            store.compareAndSet(account, TokenStore.ABSENT, state());
            try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
                assertThat(raw.clientList()).contains("name=rotation-job");
                assertThat(raw.exists("cnp:{db-check}:refresh")).isFalse();
                raw.select(3);
                assertThat(raw.exists("cnp:{db-check}:refresh")).isTrue();
            }
        }
    }

    @Test
    void leavesAClientGivenByTheCallerOpen() {
        try (RedisClient client = redis.admin()) {
            RedisTokenStore store = RedisTokenStore.builder().client(client).keyPrefix("given").build();
            store.compareAndSet(AccountId.of("given"), TokenStore.ABSENT, state());
            store.close();

            assertThat(client.exists("given:{given}:refresh")).isTrue();
        }
    }

    @Test
    void showsNeitherPasswordInItsDescription() {
        try (RedisTokenStore store = RedisTokenStore.builder().uri("redis://job:hunter2-secret@127.0.0.1:1").build()) {
            assertThat(store.toString()).contains("job").contains("127.0.0.1:1").doesNotContain("hunter2");
        }
    }

    private static void assertUriRejected(String uri, String message) {
        assertThatThrownBy(() -> RedisTokenStore.builder().uri(uri).build())
                .as(uri).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    private static TokenState state() {
        Instant t = Instant.now();
        return new TokenState(new AccessToken("a"), "bearer", t.plusSeconds(60), new RefreshToken("r"), t, t,
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
