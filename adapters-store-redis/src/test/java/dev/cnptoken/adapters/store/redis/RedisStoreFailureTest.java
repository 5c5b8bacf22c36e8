package dev.cnptoken.adapters.store.redis;

import static dev.cnptoken.adapters.store.redis.RedisAccessControlTest.assertNoText;
import static dev.cnptoken.adapters.store.redis.RedisAccessControlTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** What the store does with damaged data, a full server and a flushed script cache. */
class RedisStoreFailureTest {
    private static TestRedis redis;
    private RedisTokenStore store;
    private RedisClient raw;
    private AccountId account;
    private String refreshKey;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void open() {
        store = RedisTokenStore.builder().uri(redis.uri()).build();
        raw = redis.admin();
        account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
        refreshKey = "cnp:{" + account.name() + "}:refresh";
    }

    @AfterEach
    void close() {
        raw.configSet("maxmemory", "0");
        store.close();
        raw.close();
    }

    @Test
    void reportsAVersionThatIsNotANumberAsCorruptNamingTheKeyAndLeavesTheDataAlone() {
        TokenState state = sentinelState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));
        raw.hset(refreshKey, "version", "seven");
        Map<String, String> before = raw.hgetAll(refreshKey);

        assertCorrupt(() -> store.read(account), "version", state);
        assertCorrupt(() -> store.compareAndSet(account, 1, state), "version", state);

        assertThat(raw.hgetAll(refreshKey)).isEqualTo(before);
    }

    @Test
    void reportsAMissingFieldAsCorrupt() {
        TokenState state = sentinelState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));
        raw.hdel(refreshKey, "refresh_issued_at");

        assertCorrupt(() -> store.read(account), "refresh_issued_at", state);
    }

    @Test
    void reportsATokenThatIsNotValidAsCorruptWithoutEchoingIt() {
        TokenState state = sentinelState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));
        String bad = state.refreshToken().value() + "\u0001";
        raw.hset(refreshKey, "refresh_token", bad);

        assertCorrupt(() -> store.read(account), "refresh_token", state);
    }

    @Test
    void refusesARecordOfAnUnknownSchemaVersion() {
        TokenState state = sentinelState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));
        raw.hset(refreshKey, "schema_version", "2");

        assertCorrupt(() -> store.read(account), "schema_version", state);
    }

    @Test
    void reportsAKeyOfAnotherTypeAsCorrupt() {
        raw.set(refreshKey, "not a hash");

        assertCorrupt(() -> store.read(account), "another type", null);
        assertCorrupt(() -> store.compareAndSet(account, TokenStore.ABSENT, sentinelState()), "another type", null);
        assertThat(raw.get(refreshKey)).isEqualTo("not a hash");
    }

    @Test
    void reportsAnOutOfMemoryServerAsFullAndKeepsTheLastGoodState() {
        TokenState state = sentinelState();
        VersionedState good = written(store.compareAndSet(account, TokenStore.ABSENT, state));
        raw.configSet("maxmemory-policy", "noeviction");
        raw.configSet("maxmemory", "1");

        assertThatThrownBy(() -> store.compareAndSet(account, good.version(), sentinelState()))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(reason(e)).isEqualTo(Reason.FULL);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains(refreshKey);
                });

        raw.configSet("maxmemory", "0");
        assertThat(store.read(account)).contains(good);
        assertThat(raw.exists("cnp:{" + account.name() + "}:access")).isTrue();
    }

    @Test
    void keepsWorkingAfterTheScriptCacheIsFlushed() {
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));
        raw.scriptFlush();

        VersionedState second = written(store.compareAndSet(account, first.version(), sentinelState()));
        assertThat(raw.scriptExists(java.util.List.of(CasScript.SHA1))).containsExactly(true); // cached again
        raw.scriptFlush();
        assertThat(store.compareAndSet(account, first.version(), sentinelState()).written()).isFalse();

        assertThat(store.read(account)).contains(second);
    }

    @Test
    void recognisesItsOwnEarlierWriteWhenACallIsRepeated() {
        // what a lost reply followed by a repeat looks like to the script: same write id, version moved by one
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));
        String writeId = raw.hget(refreshKey, "write_id");
        TokenState state = sentinelState();
        var args = RedisCodec.scriptArguments(TokenStore.ABSENT, writeId, state);

        Object again = raw.evalsha(CasScript.SHA1, java.util.List.of(refreshKey, "cnp:{" + account.name() + "}:access"), args);

        assertThat(again).isEqualTo(java.util.List.of(1L, first.version()));
        assertThat(store.read(account)).contains(first); // nothing written twice
    }

    private void assertCorrupt(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String mentions,
            TokenState state) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(reason(e)).isEqualTo(Reason.CORRUPT);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains(refreshKey).contains(mentions);
            if (state != null) {
                assertNoText(e, state.accessToken().value());
                assertNoText(e, state.refreshToken().value());
                assertNoText(e, state.credential().orElseThrow().value());
            }
        });
    }

    private static TokenState sentinelState() {
        Instant t = Instant.now();
        return new TokenState(Sentinels.accessToken(), "bearer", t.plusSeconds(600), Sentinels.refreshToken(), t, t,
                Optional.of(Sentinels.credential()), Optional.empty(), Optional.empty());
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
