package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Duration;
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
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The documented data layout (docs/store-redis.md), checked with raw Redis commands only: what a
 * service in another language sees.
 */
class RedisStoredLayoutTest {
    private static TestRedis redis;
    private RedisTokenStore store;
    private RedisClient raw;
    private AccountId account;

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
        store = RedisTokenStore.builder().uri(redis.uri()).build(); // default prefix "cnp"
        raw = redis.admin();
        account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void close() {
        store.close();
        raw.close();
    }

    @Test
    void keepsTheAccessTokenInAHashNamedAfterTheAccountThatExpiresWithTheToken() {
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(30)).plusMillis(123);
        TokenState state = state("access-value", expiresAt);

        written(store.compareAndSet(account, TokenStore.ABSENT, state));

        String key = "cnp:{" + account.name() + "}:access";
        assertThat(raw.type(key)).isEqualTo("hash");
        assertThat(raw.hgetAll(key)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "access_token", "access-value",
                "token_type", "bearer",
                "expires_at", Long.toString(expiresAt.toEpochMilli())));
        assertThat(raw.hget(key, "access_token")).isEqualTo("access-value");
        // the key's own expiry is the token's, to the millisecond
        assertThat(raw.pexpireTime(key)).isEqualTo(expiresAt.toEpochMilli());
        assertThat(raw.pttl(key)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(30).plusMillis(123).toMillis());
    }

    @Test
    void keepsTheWholeStateWithItsVersionInTheRefreshHashWithoutExpiry() {
        Instant t = Instant.parse("2026-03-01T10:15:30.123Z");
        TokenState state = new TokenState(new AccessToken("a-1"), "bearer", Instant.now().plusSeconds(600),
                new RefreshToken("r-1"), t.minusSeconds(60), t, Optional.of(new ApiCredential("cred-1")),
                Optional.of(new Lease("host-a/42", t.plusSeconds(30))),
                Optional.of(new FailureNote("unavailable", "unavailable, HTTP 503: try later", t.minusSeconds(5),
                        Optional.of(t.plusSeconds(25)))));

        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, state));

        String key = "cnp:{" + account.name() + "}:refresh";
        Map<String, String> hash = new HashMap<>(raw.hgetAll(key));
        assertThat(hash.remove("write_id")).isNotBlank();
        assertThat(hash).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("schema_version", "1"),
                Map.entry("version", "1"),
                Map.entry("access_token", "a-1"),
                Map.entry("token_type", "bearer"),
                Map.entry("expires_at", Long.toString(state.accessExpiresAt().toEpochMilli())),
                Map.entry("refresh_token", "r-1"),
                Map.entry("refresh_issued_at", Long.toString(t.minusSeconds(60).toEpochMilli())),
                Map.entry("updated_at", Long.toString(t.toEpochMilli())),
                Map.entry("credential", "cred-1"),
                Map.entry("lease_owner", "host-a/42"),
                Map.entry("lease_until", Long.toString(t.plusSeconds(30).toEpochMilli())),
                Map.entry("last_failure_kind", "unavailable"),
                Map.entry("last_failure_detail", "unavailable, HTTP 503: try later"),
                Map.entry("last_failure_at", Long.toString(t.minusSeconds(5).toEpochMilli())),
                Map.entry("last_failure_next_attempt_at", Long.toString(t.plusSeconds(25).toEpochMilli()))));
        assertThat(raw.pttl(key)).isEqualTo(-1L); // persistent
        assertThat(first.version()).isEqualTo(1);

        written(store.compareAndSet(account, 1, state("a-2", Instant.now().plusSeconds(600))));

        Map<String, String> after = raw.hgetAll(key);
        assertThat(after.get("version")).isEqualTo("2");
        // optional fields of the earlier state are gone
        assertThat(after).doesNotContainKeys("credential", "lease_owner", "lease_until", "last_failure_kind",
                "last_failure_detail", "last_failure_at", "last_failure_next_attempt_at");
    }

    @Test
    void putsBothKeysOfAnAccountIntoOneClusterSlot() {
        assertThat(JedisClusterCRC16.getSlot("cnp:{" + account.name() + "}:access"))
                .isEqualTo(JedisClusterCRC16.getSlot("cnp:{" + account.name() + "}:refresh"));
    }

    @Test
    void leavesNoAccessKeyWhenTheTokenIsAlreadyExpiredAtWriteTime() {
        VersionedState valid = written(store.compareAndSet(account, TokenStore.ABSENT,
                state("still-valid", Instant.now().plusSeconds(600))));
        String accessKey = "cnp:{" + account.name() + "}:access";
        assertThat(raw.exists(accessKey)).isTrue();

        written(store.compareAndSet(account, valid.version(), state("already-expired", Instant.now().minusSeconds(1))));

        // no stale token for readers, while the authoritative record still holds the state
        assertThat(raw.exists(accessKey)).isFalse();
        assertThat(store.read(account).orElseThrow().state().accessToken().value()).isEqualTo("already-expired");
        assertThat(raw.hget("cnp:{" + account.name() + "}:refresh", "access_token")).isEqualTo("already-expired");
    }

    @Test
    void readsBackTheStateAfterTheAccessKeyHasExpired() {
        Instant expiresAt = Instant.now().plusSeconds(600);
        TokenState state = state("soon-gone", expiresAt);
        VersionedState written = written(store.compareAndSet(account, TokenStore.ABSENT, state));

        raw.del("cnp:{" + account.name() + "}:access"); // what Redis does once the TTL runs out

        assertThat(store.read(account)).contains(written);
    }

    @Test
    void readsARecordWrittenByAnotherProgramFollowingTheDocumentedLayout() {
        String key = "cnp:{" + account.name() + "}:refresh";
        raw.hset(key, Map.of(
                "schema_version", "1",
                "version", "7",
                "access_token", "from-elsewhere",
                "token_type", "bearer",
                "expires_at", "1772360130123",
                "refresh_token", "refresh-elsewhere",
                "refresh_issued_at", "1772356530123",
                "updated_at", "1772356530123"));

        VersionedState read = store.read(account).orElseThrow();

        assertThat(read.version()).isEqualTo(7);
        assertThat(read.state()).isEqualTo(new TokenState(new AccessToken("from-elsewhere"), "bearer",
                Instant.ofEpochMilli(1772360130123L), new RefreshToken("refresh-elsewhere"),
                Instant.ofEpochMilli(1772356530123L), Instant.ofEpochMilli(1772356530123L), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(store.compareAndSet(account, 6, state("x", Instant.now().plusSeconds(60))).written()).isFalse();
        assertThat(written(store.compareAndSet(account, 7, state("x", Instant.now().plusSeconds(60)))).version())
                .isEqualTo(8);
    }

    @Test
    void readsAFailureNoteWrittenBeforeItCarriedTheNextAttemptTime() {
        String key = "cnp:{" + account.name() + "}:refresh";
        raw.hset(key, Map.ofEntries(
                Map.entry("schema_version", "1"),
                Map.entry("version", "3"),
                Map.entry("access_token", "older"),
                Map.entry("token_type", "bearer"),
                Map.entry("expires_at", "1772360130123"),
                Map.entry("refresh_token", "refresh-older"),
                Map.entry("refresh_issued_at", "1772356530123"),
                Map.entry("updated_at", "1772356530123"),
                Map.entry("last_failure_kind", "unavailable"),
                Map.entry("last_failure_detail", "unavailable, HTTP 503: down"),
                Map.entry("last_failure_at", "1772356535000")));

        assertThat(store.read(account).orElseThrow().state().lastFailure()).contains(
                new FailureNote("unavailable", "unavailable, HTTP 503: down", Instant.ofEpochMilli(1772356535000L), Optional.empty()));
    }

    @Test
    void honoursAConfiguredKeyPrefix() {
        try (RedisTokenStore prefixed = RedisTokenStore.builder().uri(redis.uri()).keyPrefix("team-a:cnp").build()) {
            written(prefixed.compareAndSet(account, TokenStore.ABSENT, state("p", Instant.now().plusSeconds(60))));

            assertThat(raw.exists("team-a:cnp:{" + account.name() + "}:access")).isTrue();
            assertThat(raw.exists("team-a:cnp:{" + account.name() + "}:refresh")).isTrue();
            assertThat(prefixed.accounts()).containsExactly(account);
            assertThat(store.read(account)).isEmpty();
        }
    }

    @Test
    void listsAccountsFromTheRefreshKeysAndIgnoresForeignKeys() {
        written(store.compareAndSet(account, TokenStore.ABSENT, state("l", Instant.now().plusSeconds(60))));
        raw.set("cnp:{" + account.name() + "x}:refresh", "a string, not a hash");
        raw.hset("cnp:{bad name}:refresh", "version", "1");
        raw.hset("cnp:unrelated", "version", "1");

        assertThat(store.accounts()).contains(account).doesNotContain(AccountId.of(account.name() + "x"));
    }

    @Test
    void skipsAKeyWithANewlineInItsAccountNameLoggingItEscapedNeverRaw() {
        written(store.compareAndSet(account, TokenStore.ABSENT, state("n", Instant.now().plusSeconds(60))));
        String forged = "x\n2026-01-01 INFO forged line";
        raw.hset("cnp:{" + forged + "}:refresh", "version", "1");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            assertThat(store.accounts()).contains(account).allMatch(a -> !a.name().contains("\n"));
        } finally {
            root.detachAppender(logs);
        }

        assertThat(logs.list).extracting(e -> e.getFormattedMessage())
                .noneMatch(line -> line.contains("\n"))
                .anyMatch(line -> line.contains("x\\n2026-01-01 INFO forged line"));
    }

    private static TokenState state(String access, Instant expiresAt) {
        Instant t = Instant.parse("2026-03-01T10:15:30.123Z");
        return new TokenState(new AccessToken(access), "bearer", expiresAt, new RefreshToken("r-" + access), t, t,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
