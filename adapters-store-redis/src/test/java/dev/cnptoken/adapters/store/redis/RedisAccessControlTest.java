package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisAccessControlException;

/**
 * The least-privilege ACLs of docs/store-redis.md, applied verbatim to a real redis-server: the
 * rotation job's user can do everything the store does, a reader may read access hashes only.
 */
class RedisAccessControlTest {
    // exactly the rules documented in docs/store-redis.md
    private static final String[] ROTATOR_RULES = {"resetkeys", "resetchannels", "~cnp:*", "-@all", "+evalsha",
        "+eval", "+hgetall", "+scan", "+ping", "+hget", "+hset", "+del", "+pexpireat", "+time"};
    private static final String[] READER_RULES = {"resetkeys", "resetchannels", "%R~cnp:*:access", "-@all", "+hget",
        "+hmget", "+hgetall", "+pttl", "+pexpiretime", "+exists", "+ping"};

    private static TestRedis redis;
    private static final String ROTATOR_PASSWORD = Sentinels.secret("rotator-password");
    private static final String READER_PASSWORD = Sentinels.secret("reader-password");

    private AccountId account;

    @BeforeAll
    static void startRedisWithUsers() {
        redis = TestRedis.start();
        redis.aclSetUser("cnp-rotator", concat(new String[] {"on", ">" + ROTATOR_PASSWORD}, ROTATOR_RULES));
        redis.aclSetUser("cnp-reader", concat(new String[] {"on", ">" + READER_PASSWORD}, READER_RULES));
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void newAccount() {
        account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void theRotationUserCanDoEverythingTheStoreDoes() {
        try (RedisTokenStore store = rotator()) {
            VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, state("one", 600)));
            assertThat(store.read(account)).contains(first);
            assertThat(store.compareAndSet(account, TokenStore.ABSENT, state("lost", 600)).written()).isFalse();
            try (RedisClient admin = redis.admin()) {
                admin.scriptFlush(); // forces the EVAL fallback
            }
            VersionedState second = written(store.compareAndSet(account, first.version(), state("two", 600)));
            VersionedState third = written(store.compareAndSet(account, second.version(), state("expired", -1)));
            assertThat(store.read(account)).contains(third);
            assertThat(store.accounts()).contains(account);
        }
    }

    @Test
    void theRotationUserNeedsSelectOnlyForAnotherDatabase() {
        redis.aclSetUser("cnp-rotator-db2", 
                concat(concat(new String[] {"on", ">" + ROTATOR_PASSWORD}, ROTATOR_RULES), new String[] {"+select"}));
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("redis://cnp-rotator-db2@127.0.0.1:" + redis.port() + "/2")
                .password(ROTATOR_PASSWORD)
                .build()) {
            written(store.compareAndSet(account, TokenStore.ABSENT, state("db2", 600)));
            assertThat(store.read(account)).isPresent();
        }
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("redis://cnp-rotator@127.0.0.1:" + redis.port() + "/2")
                .password(ROTATOR_PASSWORD)
                .build()) {
            assertThatThrownBy(() -> store.read(account)).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(reason(e)).isEqualTo(Reason.PERMISSION_DENIED));
        }
    }

    @Test
    void theRotationUserCannotTouchKeysOutsideItsPrefix() {
        try (RedisClient rotator = redis.as("cnp-rotator", ROTATOR_PASSWORD)) {
            assertThatThrownBy(() -> rotator.hgetAll("other-app:{x}:refresh"))
                    .isInstanceOf(JedisAccessControlException.class);
        }
    }

    @Test
    void aReaderMayReadTheAccessHashButNotTheRefreshHash() {
        try (RedisTokenStore store = rotator()) {
            written(store.compareAndSet(account, TokenStore.ABSENT, state("for-readers", 600)));
        }
        String accessKey = "cnp:{" + account.name() + "}:access";
        String refreshKey = "cnp:{" + account.name() + "}:refresh";
        try (RedisClient reader = redis.as("cnp-reader", READER_PASSWORD)) {
            assertThat(reader.hget(accessKey, "access_token")).isEqualTo("for-readers");
            assertThat(reader.hgetAll(accessKey)).containsKeys("access_token", "token_type", "expires_at");
            assertThat(reader.pttl(accessKey)).isPositive();

            assertThatThrownBy(() -> reader.hget(refreshKey, "refresh_token"))
                    .isInstanceOf(JedisAccessControlException.class);
            assertThatThrownBy(() -> reader.hgetAll(refreshKey)).isInstanceOf(JedisAccessControlException.class);
            assertThatThrownBy(() -> reader.hset(accessKey, "access_token", "forged"))
                    .isInstanceOf(JedisAccessControlException.class);
        }
    }

    @Test
    void aStoreLoggedInAsAReaderGetsPermissionDeniedNamingTheKeyButNoSecret() {
        TokenState state = fullState();
        try (RedisTokenStore store = rotator()) {
            written(store.compareAndSet(account, TokenStore.ABSENT, state));
        }
        String refreshKey = "cnp:{" + account.name() + "}:refresh";
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("redis://cnp-reader:" + READER_PASSWORD + "@127.0.0.1:" + redis.port())
                .build()) {
            assertPermissionDenied(() -> store.read(account), refreshKey, state);
            assertPermissionDenied(() -> store.compareAndSet(account, 1, state), refreshKey, state);
            assertPermissionDenied(store::accounts, "cnp:{*}:refresh", state);
            assertThat(store.toString()).contains("cnp-reader").doesNotContain(READER_PASSWORD);
        }
    }

    @Test
    void aWrongPasswordIsPermissionDeniedAndNotEchoed() {
        String wrong = Sentinels.secret("wrong-password");
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("redis://127.0.0.1:" + redis.port())
                .user("cnp-rotator")
                .password(wrong)
                .build()) {
            assertThatThrownBy(() -> store.read(account))
                    .isInstanceOfSatisfying(TokenException.class, e -> {
                        assertThat(reason(e)).isEqualTo(Reason.PERMISSION_DENIED);
                        assertThat(e.retryable()).isFalse();
                        assertNoText(e, wrong);
                        assertNoText(e, ROTATOR_PASSWORD);
                    });
        }
    }

    @Test
    void aServerThatWantsAPasswordNobodyGaveIsPermissionDenied() {
        String required = Sentinels.secret("requirepass");
        try (TestRedis locked = TestRedis.start(false, "requirepass " + required);
                RedisTokenStore store = RedisTokenStore.builder().uri(locked.uri()).build()) {
            assertThatThrownBy(() -> store.read(account))
                    .isInstanceOfSatisfying(TokenException.class, e -> {
                        assertThat(reason(e)).isEqualTo(Reason.PERMISSION_DENIED);
                        assertThat(e.getMessage()).contains("NOAUTH").contains("cnp:{" + account.name() + "}:refresh");
                        assertNoText(e, required);
                    });
        }
    }

    private void assertPermissionDenied(ThrowingCallable call, String key, TokenState state) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(reason(e)).isEqualTo(Reason.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains(key).contains("NOPERM");
            assertNoText(e, READER_PASSWORD);
            assertNoText(e, state.accessToken().value());
            assertNoText(e, state.refreshToken().value());
            assertNoText(e, state.credential().orElseThrow().value());
        });
    }

    private RedisTokenStore rotator() {
        return RedisTokenStore.builder()
                .uri("redis://cnp-rotator@127.0.0.1:" + redis.port())
                .password(ROTATOR_PASSWORD)
                .build();
    }

    static Reason reason(TokenException e) {
        assertThat(e.failure()).isInstanceOf(Failure.StoreFailure.class);
        return ((Failure.StoreFailure) e.failure()).reason();
    }

    static void assertNoText(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String needle : Sentinels.needles(secret)) {
                assertThat(t.toString()).doesNotContain(needle);
                assertThat(String.valueOf(t.getMessage())).doesNotContain(needle);
            }
        }
    }

    private static TokenState fullState() {
        Instant t = Instant.now();
        return new TokenState(Sentinels.accessToken(), "bearer", t.plusSeconds(600), Sentinels.refreshToken(), t, t,
                Optional.of(Sentinels.credential()), Optional.empty(), Optional.empty());
    }

    private static TokenState state(String access, long expiresInSeconds) {
        Instant t = Instant.now();
        return new TokenState(new AccessToken(access), "bearer", t.plusSeconds(expiresInSeconds),
                new RefreshToken("r-" + access), t, t, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
