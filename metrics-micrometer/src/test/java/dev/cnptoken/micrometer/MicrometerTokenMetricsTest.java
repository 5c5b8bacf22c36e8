package dev.cnptoken.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.store.InMemoryTokenStore;
import dev.cnptoken.testkit.Sentinels;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Micrometer binder: the daemon's metric names on a plain registry, moved by engine events, with no secret anywhere. */
class MicrometerTokenMetricsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(30);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final AccountId acme = AccountId.of("acme");
    private final AccountId globex = AccountId.of("globex");
    private final ScriptedRefresher refresher = new ScriptedRefresher();
    private final ApiCredential credential = Sentinels.credential();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<TokenEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(TokenEngine::close);
        registry.close();
    }

    @Test
    void registersTheDaemonsGaugesForEveryWatchedAccountOnASimpleMeterRegistry() {
        MicrometerTokenMetrics metrics = MicrometerTokenMetrics.create(clock);
        TokenEngine engine = engine(metrics);

        metrics.watch(engine, List.of(acme, globex)).bindTo(registry);

        assertThat(registry.get(MicrometerTokenMetrics.EXPIRY).tag("account", "acme").gauge().value()).isNaN();
        assertThat(registry.get(MicrometerTokenMetrics.EXPIRY).tag("account", "globex").gauge().value()).isNaN();
        assertThat(registry.get(MicrometerTokenMetrics.SERVING_STALE).tag("account", "acme").gauge().value()).isZero();

        engine.currentToken(acme);

        assertThat(registry.get(MicrometerTokenMetrics.EXPIRY).tag("account", "acme").gauge().value())
                .isEqualTo(LIFETIME.toSeconds());
        assertThat(registry.get(MicrometerTokenMetrics.EXPIRY).tag("account", "globex").gauge().value()).isNaN();
    }

    @Test
    void eachEventMovesItsCounterOrTimer() {
        MicrometerTokenMetrics metrics = MicrometerTokenMetrics.create(clock);
        metrics.bindTo(registry);
        Failure unavailable = new Failure.Unavailable(OptionalInt.of(503), Optional.empty(), "FortiCNP answered 503");

        metrics.onEvent(new TokenEvent.LoggedIn(acme, NOW.plus(LIFETIME), Duration.ofMillis(40), "no stored state"));
        metrics.onEvent(new TokenEvent.Refreshed(acme, NOW.plus(LIFETIME), Duration.ofMillis(20), false));
        metrics.onEvent(new TokenEvent.Refreshed(acme, NOW.plus(LIFETIME), Duration.ofMillis(30), false));
        metrics.onEvent(new TokenEvent.Adopted(globex, NOW.plus(LIFETIME)));
        metrics.onEvent(new TokenEvent.Failed(acme, unavailable, 1, Duration.ofSeconds(5), true));
        metrics.onEvent(new TokenEvent.LeaseTakenOver(globex, "instance-2", NOW));
        metrics.onEvent(new TokenEvent.ServingStale(acme, NOW.plus(LIFETIME)));
        metrics.onEvent(new TokenEvent.Invalidated(acme, TokenEvent.Invalidated.Result.BACKING_OFF));

        assertThat(counter(MicrometerTokenMetrics.INVALIDATIONS, "account", "acme", "result", "backing_off")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.REFRESHES, "account", "acme", "result", "logged_in")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.REFRESHES, "account", "acme", "result", "refreshed")).isEqualTo(2);
        assertThat(counter(MicrometerTokenMetrics.REFRESHES, "account", "globex", "result", "adopted")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.FAILURES, "account", "acme", "kind", "unavailable")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.LEASE_TAKEOVERS, "account", "globex")).isEqualTo(1);
        assertThat(registry.get(MicrometerTokenMetrics.LATENCY).tags("account", "acme", "call", "refresh").timer().count())
                .isEqualTo(2);
        assertThat(registry.get(MicrometerTokenMetrics.LATENCY).tags("account", "acme", "call", "login").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
    }

    @Test
    void anEngineThatLogsInRefreshesAndFailsMovesTheSameMetrics() {
        MicrometerTokenMetrics metrics = MicrometerTokenMetrics.create(clock);
        TokenEngine engine = watchedEngineThroughEveryEvent(metrics);

        assertThat(counter(MicrometerTokenMetrics.REFRESHES, "account", "acme", "result", "logged_in")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.REFRESHES, "account", "acme", "result", "refreshed")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.INVALIDATIONS, "account", "acme", "result", "refreshed")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.INVALIDATIONS, "account", "acme", "result", "already_replaced")).isEqualTo(1);
        assertThat(counter(MicrometerTokenMetrics.FAILURES, "account", "acme", "kind", "unavailable")).isEqualTo(1);
        assertThat(registry.get(MicrometerTokenMetrics.SERVING_STALE).tag("account", "acme").gauge().value())
                .isEqualTo(engine.health(acme).servingStale() ? 1 : 0);
    }

    /**
     * An engine that {@code metrics} watches on {@code registry}, driven through a login, an
     * invalidation that refreshes, one that finds the token already replaced, and a failed refresh.
     */
    private TokenEngine watchedEngineThroughEveryEvent(MicrometerTokenMetrics metrics) {
        metrics.bindTo(registry);
        TokenEngine engine = engine(metrics);
        metrics.watch(engine, List.of(acme));

        AccessToken first = engine.currentToken(acme);
        engine.invalidate(acme, first); // the API refused it: refreshed at once
        engine.invalidate(acme, first); // a second caller with the same refused token: already replaced
        refresher.failNext = true;
        engine.refresh(acme, true);
        return engine;
    }

    @Test
    void bindsToSeveralRegistriesInAnyOrderAndCountsNothingBeforeTheFirst() {
        MicrometerTokenMetrics metrics = MicrometerTokenMetrics.create(clock);
        TokenEngine engine = engine(metrics);
        metrics.onEvent(new TokenEvent.Adopted(acme, NOW.plus(LIFETIME)));

        metrics.bindTo(registry);
        metrics.bindTo(registry);
        metrics.watch(engine, List.of(acme)).watch(engine, List.of(acme));
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        metrics.onEvent(new TokenEvent.Adopted(acme, NOW.plus(LIFETIME)));

        assertThat(counter(MicrometerTokenMetrics.REFRESHES, "account", "acme", "result", "adopted")).isEqualTo(1);
        assertThat(second.get(MicrometerTokenMetrics.REFRESHES).tags("account", "acme", "result", "adopted").counter().count())
                .isEqualTo(1);
        assertThat(second.get(MicrometerTokenMetrics.EXPIRY).tag("account", "acme").gauges()).hasSize(1);
        assertThat(registry.get(MicrometerTokenMetrics.EXPIRY).gauges()).hasSize(1);
        second.close();
    }

    @Test
    void putsNoSecretIntoAnyMeterNameTagOrDescription() {
        MicrometerTokenMetrics metrics = MicrometerTokenMetrics.create(clock);
        watchedEngineThroughEveryEvent(metrics);

        List<String> needles = new ArrayList<>(Sentinels.needles(credential.value()));
        refresher.issued.forEach(s -> needles.addAll(Sentinels.needles(s)));
        assertThat(refresher.issued).hasSizeGreaterThanOrEqualTo(3);
        assertThat(registry.getMeters()).isNotEmpty();
        String everything = everythingIn(registry) + metrics;
        for (String needle : needles) {
            assertThat(everything).doesNotContain(needle);
        }
        assertThat(everything).doesNotContain("SENTINEL");

        // the scan itself can fail: a secret in a tag of another registry is found
        SimpleMeterRegistry poisoned = new SimpleMeterRegistry();
        poisoned.counter("cnp_token_refreshes_total", "account", refresher.issued.get(0));
        assertThat(everythingIn(poisoned)).contains(refresher.issued.get(0));
        poisoned.close();
    }

    /** Every meter's name, description, unit and tags, and the registry's own dump of them. */
    private static String everythingIn(SimpleMeterRegistry registry) {
        StringBuilder b = new StringBuilder(registry.getMetersAsString()).append('\n');
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            b.append(id.getName()).append(' ').append(id.getDescription()).append(' ').append(id.getBaseUnit());
            for (Tag tag : id.getTags()) {
                b.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
            }
            b.append('\n');
        }
        return b.toString();
    }

    @Test
    void checksItsArguments() {
        MicrometerTokenMetrics metrics = MicrometerTokenMetrics.create();

        assertThatThrownBy(() -> MicrometerTokenMetrics.create(null)).hasMessage("clock == null");
        assertThatThrownBy(() -> metrics.bindTo(null)).hasMessage("registry == null");
        assertThatThrownBy(() -> metrics.watch(null, List.of(acme))).hasMessage("engine == null");
        assertThatThrownBy(() -> metrics.watch(engine(metrics), null)).hasMessage("accounts == null");
    }

    private TokenEngine engine(MicrometerTokenMetrics metrics) {
        TokenEngine engine = TokenEngine.builder()
                .refresher(refresher)
                .store(new InMemoryTokenStore())
                .credentials(account -> Optional.of(credential))
                .clock(clock)
                .listener(metrics)
                .build();
        engines.add(engine);
        return engine;
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    /** Issues sentinel tokens; fails the next refresh when told to, with a sentinel in the failure's detail. */
    private static final class ScriptedRefresher implements TokenRefresher {
        final List<String> issued = new CopyOnWriteArrayList<>();
        volatile boolean failNext;

        @Override
        public TokenGrant login(ApiCredential credential) {
            RefreshToken refresh = Sentinels.refreshToken();
            issued.add(refresh.value());
            return grant(Optional.of(refresh));
        }

        @Override
        public TokenGrant refresh(RefreshToken refreshToken) {
            if (failNext) {
                failNext = false;
                throw new TokenException(new Failure.Unavailable(OptionalInt.of(503), Optional.empty(),
                        "down " + Sentinels.secret("detail")));
            }
            return grant(Optional.empty());
        }

        private TokenGrant grant(Optional<RefreshToken> refresh) {
            AccessToken access = Sentinels.accessToken();
            issued.add(access.value());
            return new TokenGrant(access, "bearer", NOW.plus(LIFETIME), refresh);
        }
    }
}
