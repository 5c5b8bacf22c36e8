package dev.cnptoken.adapters.store.redis;

import static dev.cnptoken.adapters.store.redis.RedisAccessControlTest.assertNoText;
import static dev.cnptoken.adapters.store.redis.RedisAccessControlTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.crypto.EncryptionKey;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Encryption at rest of the refresh side, against a real redis-server that keeps an append-only
 * file: what Redis holds (raw {@code HGETALL}, the AOF on disk), a wrong key, tampering, values
 * moved between accounts and fields, and records written before encryption was turned on.
 */
class RedisEncryptionTest {
    private static TestRedis redis;

    @TempDir
    Path temp;

    private final String key = newKey();
    private final List<TokenState> written = new java.util.ArrayList<>();
    private RedisClient raw;
    private AccountId account;
    private String refreshKey;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start(true); // appendonly yes, appendfsync always
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void open() {
        raw = redis.admin();
        account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));
        refreshKey = "cnp:{" + account.name() + "}:refresh";
    }

    @AfterEach
    void close() {
        raw.close();
    }

    @Test
    void keepsTheRefreshTokenAndTheCredentialOutOfRedisAndItsAppendOnlyFile() throws IOException {
        try (RedisTokenStore store = encrypting(key)) {
            VersionedState v1 = written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));
            VersionedState v2 = written(store.compareAndSet(account, v1.version(), sentinelState()));

            Map<String, String> hash = raw.hgetAll(refreshKey);
            assertThat(hash).containsEntry("schema_version", "2")
                    .containsEntry("encryption", "aes-256-gcm:" + EncryptionKey.fromText(key, "k").id())
                    .containsEntry("version", "2")
                    .containsKeys("write_id", "refresh_token", "credential");
            assertThat(hash.toString()).doesNotContain("SENTINEL-refresh", "SENTINEL-credential");
            assertThat(store.read(account)).contains(v2);
            // readers still find the access token in the clear
            assertThat(raw.hget("cnp:{" + account.name() + "}:access", "access_token"))
                    .isEqualTo(v2.state().accessToken().value());
        }

        String onDisk = appendOnlyFiles();
        for (TokenState s : written) {
            assertThat(onDisk).contains(s.accessToken().value()); // the file does hold this account's writes
            for (String secret : List.of(s.refreshToken().value(), s.credential().orElseThrow().value())) {
                for (String needle : Sentinels.needles(secret)) {
                    assertThat(onDisk).doesNotContain(needle);
                }
            }
        }
    }

    @Test
    void refusesAWrongKeyNamingTheAccountAndLeavesTheRecordUntouched() {
        try (RedisTokenStore store = encrypting(key); RedisTokenStore wrong = encrypting(newKey())) {
            written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));
            Map<String, String> before = raw.hgetAll(refreshKey);

            assertCorrupt(() -> wrong.read(account), "account " + account.name() + ": wrong key or tampered");
            assertThat(wrong.compareAndSet(account, TokenStore.ABSENT, sentinelState())).isInstanceOf(CasResult.Conflict.class);

            assertThat(raw.hgetAll(refreshKey)).isEqualTo(before);
            assertThat(store.read(account)).isPresent();
        }
    }

    @Test
    void refusesACiphertextWithOneByteChanged() {
        try (RedisTokenStore store = encrypting(key)) {
            written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));
            byte[] sealed = Base64.getDecoder().decode(raw.hget(refreshKey, "refresh_token"));
            sealed[sealed.length / 2] ^= 0x01;
            raw.hset(refreshKey, "refresh_token", Base64.getEncoder().encodeToString(sealed));

            assertCorrupt(() -> store.read(account), "account " + account.name()
                    + ": field refresh_token does not decrypt: wrong key or tampered");

            raw.hset(refreshKey, "credential", "not base64!");
            raw.hdel(refreshKey, "refresh_token");
            assertCorrupt(() -> store.read(account), "field credential is not base64 of a sealed value: tampered");
        }
    }

    @Test
    void refusesARecordWhoseEncryptionMarkerWasEdited() {
        try (RedisTokenStore store = encrypting(key)) {
            written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));

            raw.hset(refreshKey, "encryption", "aes-256-gcm:00000000");
            assertCorrupt(() -> store.read(account), "wrong key or tampered: the record was encrypted with key id 00000000");
            raw.hset(refreshKey, "encryption", "rot13");
            assertCorrupt(() -> store.read(account), "field encryption is \"rot13\"");
            raw.hset(refreshKey, "schema_version", "1");
            assertCorrupt(() -> store.read(account), "field encryption is set but schema_version is not 2");
            raw.hdel(refreshKey, "encryption");
            raw.hset(refreshKey, "schema_version", "2");
            assertCorrupt(() -> store.read(account), "lacks the field encryption");
        }
    }

    @Test
    void refusesAValueMovedFromAnotherAccountOrAnotherField() {
        AccountId other = AccountId.of(account.name() + "-b");
        try (RedisTokenStore store = encrypting(key)) {
            written(store.compareAndSet(account, TokenStore.ABSENT, sentinelState()));
            written(store.compareAndSet(other, TokenStore.ABSENT, sentinelState()));
            String otherRefresh = raw.hget("cnp:{" + other.name() + "}:refresh", "refresh_token");
            String ownCredential = raw.hget(refreshKey, "credential");

            raw.hset(refreshKey, "refresh_token", otherRefresh);
            assertCorrupt(() -> store.read(account), "field refresh_token does not decrypt");

            raw.hset(refreshKey, "refresh_token", ownCredential);
            assertCorrupt(() -> store.read(account), "copied from another account or field");
            assertThat(store.read(other)).isPresent();
        }
    }

    @Test
    void readsAPlainRecordAndEncryptsItAtTheNextWrite() {
        try (RedisTokenStore plain = RedisTokenStore.builder().uri(redis.uri()).build();
                RedisTokenStore encrypting = encrypting(key)) {
            TokenState first = sentinelState();
            VersionedState v1 = written(plain.compareAndSet(account, TokenStore.ABSENT, first));
            assertThat(raw.hget(refreshKey, "refresh_token")).isEqualTo(first.refreshToken().value());
            assertThat(raw.hget(refreshKey, "schema_version")).isEqualTo("1");

            assertThat(encrypting.read(account)).contains(v1);
            VersionedState v2 = written(encrypting.compareAndSet(account, v1.version(), sentinelState()));

            assertThat(raw.hget(refreshKey, "schema_version")).isEqualTo("2");
            assertThat(raw.hgetAll(refreshKey).toString()).doesNotContain("SENTINEL-refresh", "SENTINEL-credential");
            assertThat(encrypting.read(account)).contains(v2);
            assertCorrupt(() -> plain.read(account), "account " + account.name() + ": the record is encrypted (key id "
                    + EncryptionKey.fromText(key, "k").id() + "), but this store has no encryption key configured");
        }
    }

    @Test
    void readsRecordsSealedWithThePreviousKeyAndReSealsThemWithTheNewOne() throws IOException {
        Path oldKey = keyFile("old", key);
        Path newKey = keyFile("new", newKey());
        try (RedisTokenStore before = RedisTokenStore.builder().uri(redis.uri()).encryptionKeyFile(oldKey).build();
                RedisTokenStore during = RedisTokenStore.builder().uri(redis.uri()).encryptionKeyFile(newKey)
                        .previousEncryptionKeyFile(oldKey).build();
                RedisTokenStore after = RedisTokenStore.builder().uri(redis.uri()).encryptionKeyFile(newKey).build()) {
            VersionedState v1 = written(before.compareAndSet(account, TokenStore.ABSENT, sentinelState()));

            assertThat(during.read(account)).contains(v1);
            assertCorrupt(() -> after.read(account), "wrong key or tampered");
            VersionedState v2 = written(during.compareAndSet(account, v1.version(), sentinelState()));

            assertThat(after.read(account)).contains(v2);
            String newId = EncryptionKey.fromFile(newKey).id();
            assertThat(raw.hget(refreshKey, "encryption")).isEqualTo("aes-256-gcm:" + newId);
            assertThat(during.toString()).contains("encryption=AES-256-GCM key id " + newId, "also reads key id "
                    + EncryptionKey.fromFile(oldKey).id());
        }
    }

    @Test
    void refusesAKeyOfTheWrongSizeOrAnExposedKeyFileAsAConfigurationError() throws IOException {
        String sixteen = Base64.getEncoder().encodeToString("SENTINEL-16bytes".getBytes(StandardCharsets.US_ASCII));
        Path exposed = keyFile("exposed", key);
        // the one rule for secret files: refused when group or others can write it (readable only warns)
        Files.setPosixFilePermissions(exposed, PosixFilePermissions.fromString("rw-r--rw-"));

        assertNotConfigured(() -> RedisTokenStore.builder().uri(redis.uri()).encryptionKey(sixteen, "CNP_REDIS_ENCRYPTION_KEY")
                .build(), "encryption key from CNP_REDIS_ENCRYPTION_KEY decodes to 16 bytes; AES-256 needs exactly 32", sixteen);
        assertNotConfigured(() -> RedisTokenStore.builder().uri(redis.uri()).encryptionKeyFile(exposed).build(),
                "group or others can write it", key);
        assertThatThrownBy(() -> RedisTokenStore.builder().uri(redis.uri()).encryptionKeyFile(exposed)
                .encryptionKey(key, "K").build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> RedisTokenStore.builder().uri(redis.uri()).previousEncryptionKeyFile(exposed).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a current key");
    }

    private RedisTokenStore encrypting(String base64) {
        return RedisTokenStore.builder().uri(redis.uri()).encryptionKey(base64, "a test").build();
    }

    private void assertCorrupt(ThrowingCallable call, String mentions) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(reason(e)).isEqualTo(Reason.CORRUPT);
            assertThat(e.getMessage()).contains(refreshKey).contains(mentions);
            for (TokenState s : written) {
                assertNoText(e, s.accessToken().value());
                assertNoText(e, s.refreshToken().value());
                assertNoText(e, s.credential().orElseThrow().value());
            }
        });
    }

    private static void assertNotConfigured(ThrowingCallable call, String mentions, String secret) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOf(Failure.NotConfigured.class);
            assertThat(e.getMessage()).contains(mentions).doesNotContain(secret);
        });
    }

    private TokenState sentinelState() {
        Instant t = Instant.now();
        TokenState s = new TokenState(Sentinels.accessToken(), "bearer", t.plusSeconds(600), Sentinels.refreshToken(), t, t,
                Optional.of(Sentinels.credential()), Optional.empty(), Optional.empty());
        written.add(s);
        return s;
    }

    /** Every file under the server's directory (the AOF manifest, base and increments), as one text. */
    private static String appendOnlyFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(redis.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    private Path keyFile(String name, String base64) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, base64 + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String newKey() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
