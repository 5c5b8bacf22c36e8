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
 */
public final class AppRuntime implements AutoCloseable {
    private final AppConfig config;
    private final Clock clock;
    private final TokenRefresher refresher;
    private final TokenStore store;
    private final CredentialSource credentials;
    private final PrometheusMeterRegistry registry;
    private final MicrometerTokenMetrics metrics;
    private final TokenEngine engine;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private AppRuntime(AppConfig config, Clock clock, TokenRefresher refresher, TokenStore store, TokenEventListener extra) {
        this.config = config;
        this.clock = clock;
        this.refresher = refresher;
        this.store = store;
        this.credentials = new ConfiguredCredentials(config.credentials(), config.sources()::env);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = MicrometerTokenMetrics.create(clock);
        metrics.bindTo(registry);
        LoggingListener logging = new LoggingListener();
        this.engine = TokenEngine.builder()
                .refresher(refresher)
                .store(store)
                .credentials(credentials)
                .clock(clock)
                .settings(config.engine().settings())
                // each listener gets every event, even when one before it throws
                .listener(TokenEventListener.of(List.of(logging, metrics, extra)))
                .build();
        closeables.add(refresher);
        closeables.add(store);
        closeables.add(engine);
    }

    /**
     * Builds the transport and the store the configuration names.
     *
     * @throws TokenException when a store cannot be reached at start (cluster, sentinel, Vault login)
     * @throws dev.cnptoken.app.config.ConfigException when adapter settings are invalid
     */
    public static AppRuntime create(AppConfig config, Clock clock) {
        Objects.requireNonNull(config, "config == null");
        TokenRefresher refresher = Transports.create(config);
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

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public MicrometerTokenMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeQuietly(closeables.get(i));
        }
        registry.close();
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
