package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * No secret (token, refresh token, credential, Redis password) in any exception message, cause,
 * {@code toString()} or log line, at every log level, across normal use and every failure path.
 */
class RedisSecretLeakTest {
    private final List<String> secrets = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private ListAppender<ILoggingEvent> logs;
    private Level rootLevel;
    private TestRedis redis;
    private final AccountId account = AccountId.of("acct-" + UUID.randomUUID().toString().substring(0, 8));

    @BeforeEach
    void captureLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void release() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void keepsSecretsOutOfMessagesAndLogsOnEveryPath() {
        String password = secret("rotator-password");
        String readerPassword = secret("reader-password");
        // users from the configuration file, so they survive the restarts below
        redis = TestRedis.start(true, "user rotator on >" + password + " ~cnp:* +@all",
                "user reader on >" + readerPassword + " resetkeys %R~cnp:*:access -@all +hget");
        TokenState state = sentinelState();
        TokenState other = sentinelState();

        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("redis://rotator:" + password + "@127.0.0.1:" + redis.port())
                .build()) {
            texts.add(store.toString());
            VersionedState v1 = written(store.compareAndSet(account, TokenStore.ABSENT, state));
            store.read(account);
            store.compareAndSet(account, TokenStore.ABSENT, other); // conflict
            store.accounts();

            // a lost connection in the middle of a write, then an outage
            redis.restart();
            written(store.compareAndSet(account, v1.version(), other));
            redis.stop();
            attempt(() -> store.compareAndSet(account, 2, state));
            attempt(() -> store.read(account));
            attempt(store::accounts);
            redis.restart();

            // corrupt data that holds a secret in the damaged field
            try (RedisClient raw = redis.admin()) {
                raw.hset("cnp:{" + account.name() + "}:refresh", "access_token", state.accessToken().value() + "\u0002");
                raw.hset("cnp:{" + account.name() + "}:refresh", "credential", " " + state.credential().orElseThrow().value());
            }
            attempt(() -> store.read(account));
        }

        // a reader refused the refresh record; a wrong password
        try (RedisTokenStore reader = RedisTokenStore.builder()
                .uri("redis://reader:" + readerPassword + "@127.0.0.1:" + redis.port())
                .build()) {
            texts.add(reader.toString());
            attempt(() -> reader.read(account));
            attempt(() -> reader.compareAndSet(account, 1, state));
        }
        String wrong = secret("wrong-password");
        try (RedisTokenStore denied = RedisTokenStore.builder()
                .uri("redis://rotator:" + wrong + "@127.0.0.1:" + redis.port())
                .build()) {
            attempt(() -> denied.read(account));
            attempt(() -> denied.compareAndSet(account, 1, state));
        }

        // URIs with a password that cannot be used
        for (String bad : List.of(
                "redis://u:" + password + "@127.0.0.1:notaport",
                "redis://u:" + password + "@127.0.0.1:6379/notadb",
                "redis://u:" + password + "@127.0.0.1:6379?what=1",
                "http://u:" + password + "@127.0.0.1:6379",
                "redis://u:" + password + "@/0",
                "redis://u:" + password + " @127.0.0.1",
                password + "@127.0.0.1")) {
            attempt(() -> RedisTokenStore.builder().uri(bad).build());
        }

        assertNothingLeaked(20);
    }

    @Test
    void passesOnOnlyTheErrorCodeOfARedisErrorReply() {
        // Redis answers an unknown command with "ERR unknown command ..., with args beginning with: ...",
        // quoting (the first 128 characters of) the arguments, and the arguments of the compare-and-set
        // include the tokens: no part of a reply beyond its code may reach a message
        redis = TestRedis.start(false, "rename-command EVALSHA \"\"", "rename-command EVAL \"\"");
        TokenState state = sentinelState();
        try (RedisTokenStore store = RedisTokenStore.builder().uri(redis.uri()).build()) {
            attempt(() -> store.compareAndSet(account, TokenStore.ABSENT, state));
        }
        assertThat(texts).anySatisfy(t -> assertThat(t).contains("error ERR"));
        assertThat(texts).noneSatisfy(t -> assertThat(t).containsAnyOf("unknown command", "args beginning"));
        assertNothingLeaked(1);
    }

    private void assertNothingLeaked(int atLeast) {
        for (ILoggingEvent event : logs.list) {
            texts.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                texts.add(t.getClassName() + ": " + t.getMessage());
                for (IThrowableProxy s : t.getSuppressed()) {
                    texts.add(s.getClassName() + ": " + s.getMessage());
                }
            }
        }
        assertThat(texts).hasSizeGreaterThanOrEqualTo(atLeast);
        for (String text : texts) {
            for (String secret : secrets) {
                for (String needle : Sentinels.needles(secret)) {
                    assertThat(text).as("a message or log line").doesNotContain(needle);
                }
            }
        }
    }

    private void attempt(Runnable call) {
        try {
            call.run();
            texts.add("(no exception)");
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                texts.add(t.toString());
                for (Throwable s : t.getSuppressed()) {
                    texts.add(s.toString());
                }
            }
        }
    }

    private String secret(String label) {
        String s = Sentinels.secret(label);
        secrets.add(s);
        return s;
    }

    private TokenState sentinelState() {
        Instant t = Instant.now();
        TokenState s = new TokenState(Sentinels.accessToken(), "bearer", t.plusSeconds(600), Sentinels.refreshToken(),
                t, t, Optional.of(Sentinels.credential()), Optional.of(new Lease("host/1", t.plusSeconds(30))),
                Optional.of(new FailureNote("unavailable", "unavailable: HTTP 503", t)));
        secrets.add(s.accessToken().value());
        secrets.add(s.refreshToken().value());
        secrets.add(s.credential().orElseThrow().value());
        return s;
    }

    private static VersionedState written(CasResult result) {
        assertThat(result).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) result).state();
    }
}
