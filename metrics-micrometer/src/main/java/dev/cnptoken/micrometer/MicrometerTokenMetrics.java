package dev.cnptoken.micrometer;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.engine.AccountHealth;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.engine.TokenEventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns a {@link TokenEngine}'s events into Micrometer metrics with the names the {@code cnp-token}
 * daemon serves, labelled by account and never by anything secret:
 *
 * <ul>
 *   <li>{@value #REFRESHES}{@code {account,result}}: {@code refreshed}, {@code logged_in}, {@code adopted}
 *   <li>{@value #FAILURES}{@code {account,kind}}: {@code rejected}, {@code unavailable}, {@code
 *       malformed}, {@code store}, {@code not_configured}
 *   <li>{@value #LATENCY}{@code {account,call}}: latency of a FortiCNP call ({@code refresh}, {@code
 *       login}) and its store write
 *   <li>{@value #EXPIRY}{@code {account}}: seconds until the held access token expires (negative:
 *       expired; NaN: none held)
 *   <li>{@value #SERVING_STALE}{@code {account}}: 1 while a still-valid token is served after a
 *       failed refresh
 *   <li>{@value #LEASE_TAKEOVERS}{@code {account}}
 * </ul>
 *
 * <p>Use: give it to the engine as its listener ({@code TokenEngine.builder().listener(metrics)}),
 * bind it to a registry ({@link #bindTo}), and name the accounts whose gauges to show ({@link
 * #watch}, once the engine is built). The order of {@code bindTo} and {@code watch} does not matter;
 * it may be bound to several registries. Counters and timers appear with their first event; events
 * that arrive before any {@code bindTo} are not counted. Thread-safe.
 */
public final class MicrometerTokenMetrics implements TokenEventListener, MeterBinder {
    /** Successful refresh cycles by result. */
    public static final String REFRESHES = "cnp_token_refreshes_total";
    /** Failed refresh cycles by failure class. */
    public static final String FAILURES = "cnp_token_refresh_failures_total";
    /** Latency of a FortiCNP call and its store write. */
    public static final String LATENCY = "cnp_token_refresh_seconds";
    /** Seconds until the held access token expires. */
    public static final String EXPIRY = "cnp_token_expiry_seconds";
    /** 1 while a still-valid token is served after a failed refresh. */
    public static final String SERVING_STALE = "cnp_token_serving_stale";
    /** Leases taken over from an instance that died. */
    public static final String LEASE_TAKEOVERS = "cnp_token_lease_takeovers_total";
    /**
     * Counter {@code cnp_token_invalidations_total{account,result}}: tokens the FortiCNP API refused
     * ({@link TokenEngine#invalidate}), by what the engine did ({@code already_replaced}, {@code
     * adopted}, {@code refreshed}, {@code logged_in}, {@code backing_off}, {@code failed}).
     */
    public static final String INVALIDATIONS = "cnp_token_invalidations_total";

    /** One account whose gauges read this engine. */
    private record Watched(TokenEngine engine, AccountId account) {}

    /** The clock the expiry gauge measures against: the engine's. */
    private final Clock clock;
    /** Every registry bound so far; events and gauges go to each. Written rarely, read per event. */
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** Every account watched so far, so a registry bound later gets its gauges too. */
    private final List<Watched> watched = new CopyOnWriteArrayList<>();

    private MicrometerTokenMetrics(Clock clock) {
        this.clock = clock;
    }

    /** Metrics whose expiry gauge reads the system clock (UTC). */
    public static MicrometerTokenMetrics create() {
        return create(Clock.systemUTC());
    }

    /** Metrics whose expiry gauge reads {@code clock}; give it the engine's clock. */
    public static MicrometerTokenMetrics create(Clock clock) {
        return new MicrometerTokenMetrics(Objects.requireNonNull(clock, "clock == null"));
    }

    /** Registers this listener's meters on {@code registry}: the gauges of every watched account now, the counters with their events. */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry == null");
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        watched.forEach(w -> registerGauges(registry, w));
    }

    /**
     * Shows the gauges of {@code accounts}, read from {@code engine}'s in-memory view (no I/O) when
     * scraped. Watching an account twice changes nothing.
     *
     * @return this
     */
    public synchronized MicrometerTokenMetrics watch(TokenEngine engine, Collection<AccountId> accounts) {
        Objects.requireNonNull(engine, "engine == null");
        Objects.requireNonNull(accounts, "accounts == null");
        for (AccountId account : List.copyOf(accounts)) {
            Watched w = new Watched(engine, Objects.requireNonNull(account, "account == null"));
            if (!watched.contains(w)) {
                watched.add(w);
                registries.forEach(r -> registerGauges(r, w));
            }
        }
        return this;
    }

    @Override
    public void onEvent(TokenEvent event) {
        for (MeterRegistry registry : registries) {
            record(registry, event);
        }
    }

    private void registerGauges(MeterRegistry registry, Watched w) {
        TokenEngine engine = w.engine();
        AccountId account = w.account();
        Gauge.builder(EXPIRY, () -> {
                    AccountHealth h = engine.health(account);
                    return h.accessExpiresAt()
                            .map(at -> Duration.between(clock.instant(), at).toMillis() / 1000.0)
                            .orElse(Double.NaN);
                })
                .description("Seconds until the access token held for the account expires")
                .tag("account", account.name())
                .register(registry);
        Gauge.builder(SERVING_STALE, () -> engine.health(account).servingStale() ? 1 : 0)
                .description("1 while a still-valid token is served after a failed refresh")
                .tag("account", account.name())
                .register(registry);
    }

    private static void record(MeterRegistry registry, TokenEvent event) {
        String account = event.account().name();
        if (event instanceof TokenEvent.Refreshed e) {
            count(registry, "refreshed", account);
            latency(registry, account, "refresh", e.latency());
        } else if (event instanceof TokenEvent.LoggedIn e) {
            count(registry, "logged_in", account);
            latency(registry, account, "login", e.latency());
        } else if (event instanceof TokenEvent.Adopted) {
            count(registry, "adopted", account);
        } else if (event instanceof TokenEvent.Failed e) {
            Counter.builder(FAILURES).tag("account", account).tag("kind", e.failure().kind())
                    .description("Failed refresh cycles by failure class").register(registry).increment();
        } else if (event instanceof TokenEvent.Invalidated e) {
            Counter.builder(INVALIDATIONS).tag("account", account)
                    .tag("result", e.result().name().toLowerCase(Locale.ROOT))
                    .description("Tokens the FortiCNP API refused, by what the engine did").register(registry).increment();
        } else if (event instanceof TokenEvent.LeaseTakenOver) {
            Counter.builder(LEASE_TAKEOVERS).tag("account", account)
                    .description("Leases taken over from an instance that died").register(registry).increment();
        }
    }

    private static void latency(MeterRegistry registry, String account, String call, Duration latency) {
        Timer.builder(LATENCY).tag("account", account).tag("call", call)
                .description("Latency of a FortiCNP call and its store write").register(registry).record(latency);
    }

    private static void count(MeterRegistry registry, String result, String account) {
        Counter.builder(REFRESHES).tag("account", account).tag("result", result)
                .description("Successful refresh cycles by result").register(registry).increment();
    }

    @Override
    public String toString() {
        return "MicrometerTokenMetrics[" + registries.size() + " registries, " + watched.size() + " accounts watched]";
    }
}
