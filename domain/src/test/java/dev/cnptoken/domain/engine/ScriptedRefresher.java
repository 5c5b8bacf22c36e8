package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.port.TokenRefresher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TokenRefresher} that plays FortiCNP in memory: it issues unique tokens that live for a set
 * time on a shared clock, and fails when the test scripts a failure. It remembers every token it
 * issued with its expiry, and which refresh tokens it accepts.
 */
final class ScriptedRefresher implements TokenRefresher {
    private final Clock clock;
    private volatile Duration accessLifetime = Duration.ofMinutes(30);
    private volatile boolean rotateRefreshTokens;
    private final AtomicInteger serial = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final Deque<TokenException> scriptedFailures = new ArrayDeque<>();
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final Map<String, Boolean> liveRefreshTokens = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate;
    private volatile CountDownLatch entered;

    ScriptedRefresher(Clock clock) {
        this.clock = clock;
    }

    ScriptedRefresher accessLifetime(Duration d) {
        this.accessLifetime = d;
        return this;
    }

    ScriptedRefresher rotateRefreshTokens(boolean rotate) {
        this.rotateRefreshTokens = rotate;
        return this;
    }

    /** The next calls (login or refresh) fail with these, in order. */
    synchronized ScriptedRefresher failNext(TokenException... failures) {
        for (TokenException f : failures) {
            scriptedFailures.add(f);
        }
        return this;
    }

    /** Makes every call wait until {@link #open()}; {@code entered} counts calls that arrived. */
    void close(int expectedEntries) {
        entered = new CountDownLatch(expectedEntries);
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    boolean awaitEntered(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    /** Makes the server forget a refresh token (revoked). */
    void revoke(RefreshToken token) {
        liveRefreshTokens.remove(token.value());
    }

    /** Whether {@code token} is a refresh token this refresher still accepts. */
    boolean isLive(RefreshToken token) {
        return liveRefreshTokens.containsKey(token.value());
    }

    int logins() {
        return logins.get();
    }

    int refreshes() {
        return refreshes.get();
    }

    int calls() {
        return logins.get() + refreshes.get();
    }

    List<String> callLog() {
        return calls;
    }

    /** When a token this refresher issued expires. */
    Instant expiryOf(AccessToken token) {
        Instant at = issued.get(token.value());
        if (at == null) {
            throw new AssertionError("token was never issued by this refresher");
        }
        return at;
    }

    @Override
    public TokenGrant login(ApiCredential credential) {
        logins.incrementAndGet();
        calls.add("login");
        pass();
        if (!credential.value().startsWith("good")) {
            throw new TokenException(new dev.cnptoken.domain.Failure.Rejected(dev.cnptoken.domain.Failure.Subject.CREDENTIAL,
                    java.util.OptionalInt.of(401), Optional.of("invalid_client"), "the API credential was refused"));
        }
        return grant(true);
    }

    @Override
    public TokenGrant refresh(RefreshToken refreshToken) {
        refreshes.incrementAndGet();
        calls.add("refresh");
        pass();
        if (!liveRefreshTokens.containsKey(refreshToken.value())) {
            throw new TokenException(new dev.cnptoken.domain.Failure.Rejected(dev.cnptoken.domain.Failure.Subject.REFRESH_TOKEN,
                    java.util.OptionalInt.of(400), Optional.of("invalid_grant"), "the refresh token was refused"));
        }
        if (rotateRefreshTokens) {
            liveRefreshTokens.remove(refreshToken.value());
        }
        return grant(rotateRefreshTokens);
    }

    private void pass() {
        CountDownLatch e = entered;
        if (e != null) {
            e.countDown();
        }
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("gate was never opened");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
        TokenException failure;
        synchronized (this) {
            failure = scriptedFailures.poll();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private TokenGrant grant(boolean withRefresh) {
        int n = serial.incrementAndGet();
        Instant expires = clock.instant().plus(accessLifetime);
        AccessToken access = new AccessToken("access-" + n);
        issued.put(access.value(), expires);
        Optional<RefreshToken> refresh = Optional.empty();
        if (withRefresh) {
            RefreshToken r = new RefreshToken("refresh-" + n);
            liveRefreshTokens.put(r.value(), Boolean.TRUE);
            refresh = Optional.of(r);
        }
        return new TokenGrant(access, "bearer", expires, refresh);
    }
}
