package dev.cnptoken.adapters.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * How many round trips the store makes, as the server sees them ({@code MONITOR}, which lists every
 * command a client sends, and marks the commands a script runs as coming from {@code lua}): a read
 * is one command, a write one script call, so a forced refresh of one account costs three (read,
 * lease, write) however many accounts a job rotates. Only command names are compared: the
 * arguments hold secrets.
 */
class RedisRoundTripTest {
    private static final Pattern LINE = Pattern.compile("^\\S+ \\[\\d+ ([^\\]]+)\\] \"([^\"]*)\"");
    private static TestRedis redis;
    private RedisTokenStore store;
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
        store = RedisTokenStore.builder().uri(redis.uri()).build();
        account = AccountId.of("trips-" + UUID.randomUUID().toString().substring(0, 8));
        // the pool dials (HELLO, CLIENT SETNAME) and the script is cached before anything is counted
        store.read(account);
        store.compareAndSet(AccountId.of("warm-up"), TokenStore.ABSENT, state("warm", 1));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void readsAStoredAccountInOneRoundTrip() throws Exception {
        store.compareAndSet(account, TokenStore.ABSENT, state("a-1", 30));

        assertThat(commandsSentDuring(() -> store.read(account))).containsExactly("HGETALL");
    }

    @Test
    void readsAnAbsentAccountInOneRoundTrip() throws Exception {
        assertThat(commandsSentDuring(() -> store.read(account))).containsExactly("HGETALL");
    }

    @Test
    void writesBothHashesWithOneScriptCall() throws Exception {
        assertThat(commandsSentDuring(() -> store.compareAndSet(account, TokenStore.ABSENT, state("a-1", 30))))
                .containsExactly("EVALSHA");
    }

    @Test
    void aConflictingWriteIsOneRoundTripToo() throws Exception {
        store.compareAndSet(account, TokenStore.ABSENT, state("a-1", 30));

        List<String> sent = commandsSentDuring(() -> assertThat(store.compareAndSet(account, 7, state("a-2", 30)))
                .isInstanceOf(CasResult.Conflict.class));

        assertThat(sent).containsExactly("EVALSHA");
    }

    @Test
    void aForcedRefreshOfOneAccountCostsThreeRoundTrips() throws Exception {
        AtomicInteger refreshes = new AtomicInteger();
        TokenRefresher refresher = new TokenRefresher() {
            @Override
            public TokenGrant login(ApiCredential credential) {
                throw new AssertionError("no login expected");
            }

            @Override
            public TokenGrant refresh(RefreshToken refreshToken) {
                return new TokenGrant(new AccessToken("a-" + refreshes.incrementAndGet()), "bearer",
                        Instant.now().plus(Duration.ofMinutes(30)), Optional.empty());
            }
        };
        store.compareAndSet(account, TokenStore.ABSENT, state("a-0", 30));
        try (TokenEngine engine = TokenEngine.builder().refresher(refresher).store(store).build()) {
            List<RefreshOutcome> outcome = new ArrayList<>();

            List<String> sent = commandsSentDuring(() -> outcome.add(engine.refresh(account, true)));

            assertThat(outcome.get(0).result()).isEqualTo(RefreshOutcome.Result.REFRESHED);
            // read, take the lease, store the new state
            assertThat(sent).containsExactly("HGETALL", "EVALSHA", "EVALSHA");
        }
    }

    private static TokenState state(String accessToken, int minutes) {
        Instant now = Instant.now();
        return new TokenState(new AccessToken(accessToken), "bearer", now.plus(Duration.ofMinutes(minutes)),
                new RefreshToken("r-" + accessToken), now, now, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The names of the commands clients sent while {@code action} ran, in order, without those a
     * script ran and the markers that bracket the action.
     */
    private static List<String> commandsSentDuring(Runnable action) throws Exception {
        String start = "round-trip-start-" + UUID.randomUUID();
        String end = "round-trip-end-" + UUID.randomUUID();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Jedis monitoring = new Jedis("127.0.0.1", redis.port());
        Thread monitor = new Thread(() -> {
            try {
                monitoring.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String line) {
                        lines.add(line);
                        if (line.contains(end)) {
                            client.disconnect();
                        }
                    }
                });
            } catch (RuntimeException stopped) {
                // the connection closed under the monitor: it is done
            }
        }, "redis-monitor");
        monitor.setDaemon(true);
        monitor.start();
        try (Jedis marker = new Jedis("127.0.0.1", redis.port())) {
            // MONITOR starts asynchronously: mark until the monitor sees a mark
            boolean seen = false;
            for (int i = 0; i < 500 && !seen; i++) {
                marker.echo(start);
                String line = lines.poll(20, TimeUnit.MILLISECONDS);
                seen = line != null && line.contains(start);
            }
            assertThat(seen).as("MONITOR saw the start mark").isTrue();
            action.run();
            marker.echo(end);
        }
        List<String> sent = new ArrayList<>();
        boolean inside = true; // the start mark was seen; a late copy of an earlier one restarts the list
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("MONITOR line before the end mark").isNotNull();
            if (line.contains(end)) {
                break;
            }
            if (line.contains(start)) {
                inside = true;
                sent.clear();
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (inside && m.find() && !m.group(1).equals("lua")) {
                sent.add(m.group(2).toUpperCase(java.util.Locale.ROOT));
            }
        }
        monitor.join(TimeUnit.SECONDS.toMillis(30));
        monitoring.close();
        return sent;
    }
}
