package dev.cnptoken.adapters.store.redis;

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
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * A compare-and-set whose connection is cut at the worst moments (by a proxy in front of a real
 * redis-server): the store re-reads once and tells landed, not landed, lost and unknown apart; no
 * write is ever applied twice.
 */
class RedisUnknownOutcomeTest {
    /** Far longer than the 200 ms socket timeout of the impatient store, so its calls time out in the pause. */
    private static final long PAUSE_MILLIS = 3000;

    private static TestRedis redis;
    private DroppingProxy proxy;
    private RedisTokenStore store;
    private RedisTokenStore other;
    private RedisClient raw;
    private AccountId account;
    private VersionedState start;

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
        proxy = new DroppingProxy(redis.port());
        store = RedisTokenStore.builder().uri("redis://127.0.0.1:" + proxy.port()).build();
        other = RedisTokenStore.builder().uri(redis.uri()).build(); // a second writer, not behind the proxy
        raw = redis.admin();
        account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
        start = written(store.compareAndSet(account, TokenStore.ABSENT, state("start")));
    }

    @AfterEach
    void close() {
        store.close();
        other.close();
        raw.close();
        proxy.close();
    }

    @Test
    void reportsAWriteWhoseReplyWasLostAsWrittenAndAppliesItOnce() {
        proxy.arm(DroppingProxy.Cut.REPLY, () -> {});

        VersionedState result = written(store.compareAndSet(account, start.version(), state("landed")));

        assertThat(proxy.fired()).isTrue();
        assertThat(result.version()).isEqualTo(start.version() + 1);
        assertThat(storedVersion()).isEqualTo(start.version() + 1); // not bumped twice
        assertThat(store.read(account)).contains(result);
    }

    @Test
    void sendsAWriteThatNeverReachedRedisOnceMore() {
        proxy.arm(DroppingProxy.Cut.REQUEST, () -> {});

        VersionedState result = written(store.compareAndSet(account, start.version(), state("resent")));

        assertThat(proxy.fired()).isTrue();
        assertThat(result.version()).isEqualTo(start.version() + 1);
        assertThat(storedVersion()).isEqualTo(start.version() + 1);
        assertThat(store.read(account).orElseThrow().state().accessToken().value()).isEqualTo("resent");
    }

    @Test
    void reportsAConflictWhenAnotherWriterTookTheVersionWhileTheConnectionWasDown() {
        proxy.arm(DroppingProxy.Cut.REQUEST,
                () -> written(other.compareAndSet(account, start.version(), state("other"))));

        CasResult result = store.compareAndSet(account, start.version(), state("mine"));

        assertThat(result).isInstanceOf(CasResult.Conflict.class);
        assertThat(store.read(account).orElseThrow().state().accessToken().value()).isEqualTo("other");
    }

    @Test
    void saysTheOutcomeIsUnknownWhenItCannotTellAndNeverRepeatsTheWrite() {
        // our write lands, its reply is lost, and another writer builds on it before we look
        proxy.arm(DroppingProxy.Cut.REPLY, () -> {
            VersionedState ours = other.read(account).orElseThrow();
            written(other.compareAndSet(account, ours.version(), state("on-top")));
        });

        assertThatThrownBy(() -> store.compareAndSet(account, start.version(), state("mine")))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(reason(e)).isEqualTo(Reason.OUTCOME_UNKNOWN);
                    assertThat(e.getMessage()).contains("version has since moved");
                });
        assertThat(storedVersion()).isEqualTo(start.version() + 2);
        assertThat(store.read(account).orElseThrow().state().accessToken().value()).isEqualTo("on-top");
    }

    @Test
    void saysTheOutcomeIsUnknownWhenRedisStallsPastTheTimeoutAfterTheScriptWasSent() {
        // every client is paused: the script is sent and waits, and so does the re-read
        try (RedisTokenStore impatient = RedisTokenStore.builder().uri(redis.uri() + "?timeout=200").build();
                Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            impatient.read(account); // a pooled connection, ready before the pause
            admin.clientPause(PAUSE_MILLIS, ClientPauseMode.ALL);

            assertThatThrownBy(() -> impatient.compareAndSet(account, start.version(), state("stalled")))
                    .isInstanceOfSatisfying(TokenException.class,
                            e -> assertThat(reason(e)).isEqualTo(Reason.OUTCOME_UNKNOWN));
        }
        try (Jedis patient = new Jedis("127.0.0.1", redis.port(), 30_000)) {
            patient.ping(); // answered once the pause is over
        }
        // the write landed once or not at all
        assertThat(storedVersion()).isBetween(start.version(), start.version() + 1);
    }

    @Test
    void saysTheOutcomeIsUnknownWhenTheSecondSendingStallsToo() {
        // writes are paused, reads are not: the re-read sees the old version, the script is sent
        // once more with the same write id, and that one stalls as well
        try (RedisTokenStore impatient = RedisTokenStore.builder().uri(redis.uri() + "?timeout=200").build();
                Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            impatient.read(account);
            admin.clientPause(PAUSE_MILLIS, ClientPauseMode.WRITE);

            assertThatThrownBy(() -> impatient.compareAndSet(account, start.version(), state("stalled")))
                    .isInstanceOfSatisfying(TokenException.class, e -> {
                        assertThat(reason(e)).isEqualTo(Reason.OUTCOME_UNKNOWN);
                        assertThat(e.getMessage()).contains("twice");
                    });
        }
        try (Jedis patient = new Jedis("127.0.0.1", redis.port(), 30_000)) {
            patient.set("pause-probe", "x"); // a write: answered once the pause is over
        }
        // both sendings carried the same write id: the write landed once or not at all
        assertThat(storedVersion()).isBetween(start.version(), start.version() + 1);
    }

    private long storedVersion() {
        return Long.parseLong(raw.hget("cnp:{" + account.name() + "}:refresh", "version"));
    }

    private static TokenState state(String access) {
        Instant t = Instant.now();
        return new TokenState(new AccessToken(access), "bearer", t.plusSeconds(600), new RefreshToken("r-" + access),
                t, t, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
