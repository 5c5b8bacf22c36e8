package dev.cnptoken.app.daemon;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.AccountHealth;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.TokenEngine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every account fresh on the engine's own schedule (refresh-ahead with jitter, backoff after
 * failures), re-checking each account at least every {@code maxInterval} so it notices what other
 * replicas did. Serves {@code /healthz} (200 only while every account holds a valid token, else
 * 503), {@code /livez} and {@code /metrics} (Prometheus text) through an {@code EndpointServer}.
 * Several replicas may run against one store.
 *
 * <p>The configured accounts are scheduled at start, whatever the store says. The store's accounts
 * are read at start and every {@code maxInterval}; while reading them fails (the store is down),
 * the read is retried with backoff (1 s doubling to 30 s, with jitter).
 *
 * <p>{@link #close()} stops scheduling, lets a refresh in flight finish (its store write is a single
 * compare-and-set, so nothing is left half-written) and stops the server.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("cnp-token.daemon");
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final TokenEngine engine;
    /** Kept fresh from the start, whatever the store says. */
    private final List<AccountId> configured;
    /** The store's accounts, read again every {@code maxInterval}; may throw while the store is down. */
    private final Supplier<List<AccountId>> discovered;
    private final Clock clock;
    private final Duration maxInterval;
    private final Duration drainTimeout;
    private final ScheduledExecutorService scheduler;
    /** Every account being kept fresh; an account is added once and never removed. */
    private final Set<AccountId> scheduled = ConcurrentHashMap.newKeySet();
    private final Consumer<AccountId> onScheduled;
    private final DiscoveryBackoff discoveryBackoff = new DiscoveryBackoff();
    private final EndpointServer server;
    /**
     * Failed discoveries in a row. Only {@link #discover()} touches it, and discoveries run one at a
     * time (each schedules the next), so the scheduler's hand-over orders the accesses.
     */
    private int discoveryFailures;
    private volatile boolean stopping;

    /**
     * Binds the listen address at once; {@link #start()} starts serving and scheduling.
     *
     * @param configured accounts to keep fresh from the start, even while the store cannot be read
     * @param discovered the store's accounts; asked at start and every {@code maxInterval} (sooner,
     *     with backoff, after a failure), so accounts added to the store later are picked up
     * @param listen where to serve health and metrics; port 0 picks a free port
     * @param onScheduled called once for each account the daemon starts keeping fresh (metrics gauges)
     * @throws dev.cnptoken.app.config.ConfigException naming the {@code listen} setting when {@code
     *     listen} does not resolve or cannot be bound
     */
    public Daemon(TokenEngine engine, List<AccountId> configured, Supplier<List<AccountId>> discovered, Clock clock,
            PrometheusMeterRegistry registry, InetSocketAddress listen, int threads, Duration maxInterval, Duration drainTimeout,
            Consumer<AccountId> onScheduled) {
        this.onScheduled = Objects.requireNonNull(onScheduled, "onScheduled == null");
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.configured = List.copyOf(Objects.requireNonNull(configured, "configured == null"));
        this.discovered = Objects.requireNonNull(discovered, "discovered == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        Objects.requireNonNull(registry, "registry == null");
        this.maxInterval = Objects.requireNonNull(maxInterval, "maxInterval == null");
        this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout == null");
        this.server = new EndpointServer(listen, Map.of(
                "/healthz", this::health,
                "/livez", () -> new EndpointServer.Answer(200, "text/plain; charset=utf-8", "ok\n"),
                "/metrics", () -> new EndpointServer.Answer(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "cnp-token-refresh");
            t.setDaemon(true);
            return t;
        });
        // On close, pending cycles are dropped; only the ones running finish.
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
    }

    /** Starts serving and scheduling. */
    public void start() {
        server.start();
        ListenAddress where = server.address();
        LOG.info("event=daemon_started listen={} instance={}", where.hostPort(), engine.instanceId());
        if (!where.isLoopback()) {
            LOG.warn("event=listen_beyond_loopback listen={} exposed=\"/healthz, /livez and /metrics, unauthenticated, to {};"
                    + " they show account names, token expiry times and failure kinds (never a token)\""
                    + " advice=\"bind 127.0.0.1 unless a scraper or probe on another host needs them\"",
                    where.hostPort(), where.isWildcard() ? "every network this host is on" : "the network of " + where.hostPort());
        }
        for (AccountId account : configured) {
            keepFresh(account);
        }
        execute(this::discover);
    }

    /**
     * A base URL a client on this host can open ({@code http://127.0.0.1:9464}, {@code
     * http://[::1]:9464}); for a wildcard address, the loopback one.
     */
    public String url() {
        return server.address().url();
    }

    /** What {@link #url()} leaves out: empty, or a note that every interface listens. */
    public String listenNote() {
        ListenAddress where = server.address();
        return where.isWildcard() ? " (listening on all interfaces: " + where.hostPort() + ")" : "";
    }

    private void keepFresh(AccountId account) {
        if (scheduled.add(account)) {
            LOG.info("account={} event=scheduled", account);
            onScheduled.accept(account);
            execute(() -> cycle(account));
        }
    }

    private void discover() {
        if (stopping) {
            return;
        }
        Duration next = maxInterval;
        try {
            for (AccountId account : discovered.get()) {
                keepFresh(account);
            }
            discoveryFailures = 0;
        } catch (TokenException e) {
            next = discoveryRetry();
            LOG.warn("event=account_discovery_failed kind={} detail=\"{}\" retry_in_ms={}", e.failure().kind(),
                    e.failure().describe(), next.toMillis());
        } catch (RuntimeException e) {
            next = discoveryRetry();
            LOG.error("event=account_discovery_failed unexpected={} retry_in_ms={}", e.getClass().getName(), next.toMillis());
        }
        schedule(this::discover, next);
    }

    private Duration discoveryRetry() {
        discoveryFailures++;
        Duration delay = discoveryBackoff.delayAfter(discoveryFailures);
        return delay.compareTo(maxInterval) > 0 ? maxInterval : delay;
    }

    private void cycle(AccountId account) {
        if (stopping) {
            return;
        }
        Duration next = maxInterval;
        try {
            RefreshOutcome outcome = engine.refresh(account, false);
            next = Duration.between(clock.instant(), outcome.nextCheckAt());
        } catch (RuntimeException e) {
            // refresh() reports failures in its outcome; this is a bug somewhere. Keep the schedule alive.
            LOG.error("account={} event=cycle_failed unexpected={}", account, e.getClass().getName());
        }
        if (next.compareTo(MIN_INTERVAL) < 0) {
            next = MIN_INTERVAL;
        }
        if (next.compareTo(maxInterval) > 0) {
            next = maxInterval;
        }
        schedule(() -> cycle(account), next);
    }

    private void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    private void schedule(Runnable task, Duration delay) {
        if (stopping) {
            return;
        }
        try {
            scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private EndpointServer.Answer health() {
        Instant now = clock.instant();
        TreeMap<String, String> lines = new TreeMap<>();
        boolean ok = !scheduled.isEmpty();
        for (AccountId a : scheduled) {
            AccountHealth h = engine.health(a);
            boolean valid = h.hasValidTokenAt(now);
            ok &= valid;
            StringBuilder b = new StringBuilder("{\"valid\":").append(valid);
            h.accessExpiresAt().ifPresent(at -> b.append(",\"expires_at\":\"").append(at).append('"'));
            b.append(",\"serving_stale\":").append(h.servingStale());
            h.lastFailure().ifPresent(f -> b.append(",\"last_failure\":\"").append(f.kind()).append('"'));
            lines.put(a.name(), b.append('}').toString());
        }
        StringBuilder body = new StringBuilder("{\"status\":\"").append(ok ? "ok" : "unavailable").append("\",\"accounts\":{");
        String sep = "";
        for (var e : lines.entrySet()) {
            body.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
            sep = ",";
        }
        body.append("}}\n");
        return new EndpointServer.Answer(ok ? 200 : 503, "application/json", body.toString());
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        LOG.info("event=daemon_stopping");
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("event=daemon_drain_timeout timeout_s={}", drainTimeout.toSeconds());
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
        server.close();
        LOG.info("event=daemon_stopped");
    }
}
