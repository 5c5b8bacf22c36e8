package dev.cnptoken.app.wiring;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.observe.LoggingListener;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEventListener;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.micrometer.MicrometerTokenMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything one command needs, built from the configuration: the transport, the store, the
 * credential source, the engine, metrics. Closes what it created, in reverse order.
 *
 * <p>Start-up cost is paid only for what a command uses: the metrics registry is created when first
 * asked for ({@link #registry()}, {@link #metrics()}: the daemon), and with {@link
 * TransportStart#ON_FIRST_CALL} the HTTP transport at the first FortiCNP call.
 */
public final class AppRuntime implements AutoCloseable {
    private final AppConfig config;
    private final Clock clock;
    private final TokenRefresher refresher;
    private final TokenStore store;
    private final CredentialSource credentials;
    /** Created on first use (only the daemon exposes metrics); guarded by this. */
    private PrometheusMeterRegistry registry;
    /** Read without the lock by the event listener: null until {@link #metrics()} creates it. */
    private volatile MicrometerTokenMetrics metrics;
    private final TokenEngine engine;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private AppRuntime(AppConfig config, Clock clock, TokenRefresher refresher, TokenStore store, TokenEventListener extra) {
        this.config = config;
        this.clock = clock;
        this.refresher = refresher;
        this.store = store;
        this.credentials = new ConfiguredCredentials(config.credentials(), config.sources()::env);
        LoggingListener logging = new LoggingListener();
        this.engine = TokenEngine.builder()
                .refresher(refresher)
                .store(store)
                .credentials(credentials)
                .clock(clock)
                .settings(config.engine().settings())
                // each listener gets every event, even when one before it throws; metrics once the registry exists
                .listener(TokenEventListener.of(List.of(logging, e -> {
                    MicrometerTokenMetrics m = metrics;
                    if (m != null) {
                        m.onEvent(e);
                    }
                }, extra)))
                .build();
        closeables.add(refresher);
        closeables.add(store);
        closeables.add(engine);
    }

    /** When {@link #create(AppConfig, Clock, TransportStart)} builds the FortiCNP transport. */
    public enum TransportStart {
        /** At once, so invalid transport settings fail the command before it does anything. */
        AT_ONCE,
        /**
         * At the first FortiCNP call, which a command serving stored tokens may never make; invalid
         * transport settings then fail that call as {@link dev.cnptoken.domain.Failure.NotConfigured}.
         */
        ON_FIRST_CALL
    }

    /**
     * Builds the transport and the store the configuration names, the transport at once.
     *
     * @throws TokenException when a store cannot be reached at start (cluster, sentinel, Vault login)
     * @throws dev.cnptoken.app.config.ConfigException when adapter settings are invalid
     */
    public static AppRuntime create(AppConfig config, Clock clock) {
        return create(config, clock, TransportStart.AT_ONCE);
    }

    /**
     * Builds the store the configuration names, and its transport when {@code start} says.
     *
     * @throws TokenException when a store cannot be reached at start (cluster, sentinel, Vault login)
     * @throws dev.cnptoken.app.config.ConfigException when adapter settings are invalid (transport
     *     settings only with {@link TransportStart#AT_ONCE})
     */
    public static AppRuntime create(AppConfig config, Clock clock, TransportStart start) {
        Objects.requireNonNull(config, "config == null");
        Objects.requireNonNull(start, "start == null");
        TokenRefresher refresher = start == TransportStart.AT_ONCE
                ? Transports.create(config)
                : new LazyTokenRefresher(() -> Transports.create(config));
        try {
            TokenStore store = Stores.create(config, clock);
            return new AppRuntime(config, clock, refresher, store, TokenEventListener.NONE);
        } catch (RuntimeException e) {
            closeQuietly(refresher);
            throw e;
        }
    }

    /** For the demo: explicit adapters (closed with the runtime) and one more event listener. */
    public static AppRuntime create(AppConfig config, Clock clock, TokenRefresher refresher, TokenStore store,
            TokenEventListener extra) {
        return new AppRuntime(config, clock, refresher, store, Objects.requireNonNull(extra, "extra == null"));
    }

    public AppConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public TokenRefresher refresher() {
        return refresher;
    }

    public TokenStore store() {
        return store;
    }

    public CredentialSource credentials() {
        return credentials;
    }

    public TokenEngine engine() {
        return engine;
    }

    /** The metrics registry, created at the first call; engine events are counted from then on. */
    public synchronized PrometheusMeterRegistry registry() {
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            MicrometerTokenMetrics m = MicrometerTokenMetrics.create(clock);
            m.bindTo(registry);
            metrics = m;
        }
        return registry;
    }

    /** Turns engine events into metrics in {@link #registry()} (created at the first call of either). */
    public synchronized MicrometerTokenMetrics metrics() {
        registry();
        return metrics;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeQuietly(closeables.get(i));
        }
        synchronized (this) {
            if (registry != null) {
                registry.close();
            }
        }
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
    }
}
