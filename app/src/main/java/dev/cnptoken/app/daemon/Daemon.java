package dev.cnptoken.app.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.engine.AccountHealth;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.TokenEngine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every account fresh on the engine's own schedule (refresh-ahead with jitter, backoff after
 * failures), re-checking each account at least every {@code maxInterval} so it notices what other
 * replicas did. Serves {@code GET /healthz} (200 only while every account holds a valid token, else
 * 503), {@code GET /livez} and {@code GET /metrics} (Prometheus text). Several replicas may run
 * against one store. {@link #close()} stops scheduling, lets a refresh in flight finish (its store
 * write is a single compare-and-set, so nothing is left half-written) and stops the server.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("cnp-token.daemon");
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final TokenEngine engine;
    private final Supplier<List<AccountId>> accounts;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final Duration maxInterval;
    private final Duration drainTimeout;
    private final ScheduledExecutorService scheduler;
    private final Set<AccountId> scheduled = ConcurrentHashMap.newKeySet();
    private final java.util.function.Consumer<AccountId> onScheduled;
    private final HttpServer server;
    private volatile boolean stopping;

    /**
     * @param accounts the accounts to keep fresh; asked again every {@code maxInterval}, so accounts
     *     added to the store later are picked up
     * @param listen where to serve health and metrics; port 0 picks a free port
     * @param onScheduled called once for each account the daemon starts keeping fresh (metrics gauges)
     */
    public Daemon(TokenEngine engine, Supplier<List<AccountId>> accounts, Clock clock, PrometheusMeterRegistry registry,
            InetSocketAddress listen, int threads, Duration maxInterval, Duration drainTimeout,
            java.util.function.Consumer<AccountId> onScheduled) throws IOException {
        this.onScheduled = Objects.requireNonNull(onScheduled, "onScheduled == null");
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.accounts = Objects.requireNonNull(accounts, "accounts == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.registry = Objects.requireNonNull(registry, "registry == null");
        this.maxInterval = Objects.requireNonNull(maxInterval, "maxInterval == null");
        this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout == null");
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "cnp-token-refresh");
            t.setDaemon(true);
            return t;
        });
        // On close, pending cycles are dropped; only the ones running finish.
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = pool;
        this.server = HttpServer.create(listen, 16);
        server.createContext("/healthz", this::health);
        server.createContext("/livez", ex -> respond(ex, 200, "text/plain", "ok\n"));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cnp-token-http");
            t.setDaemon(true);
            return t;
        }));
    }

    /** Starts serving and scheduling. */
    public void start() {
        server.start();
        LOG.info("event=daemon_started listen={} instance={}", address(), engine.instanceId());
        discover();
    }

    /** Where health and metrics are served. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Whether every account holds a valid token right now. */
    public boolean healthy() {
        List<AccountId> all = List.copyOf(scheduled);
        Instant now = clock.instant();
        return !all.isEmpty() && all.stream().allMatch(a -> engine.health(a).hasValidTokenAt(now));
    }

    private void discover() {
        if (stopping) {
            return;
        }
        try {
            for (AccountId account : accounts.get()) {
                if (scheduled.add(account)) {
                    LOG.info("account={} event=scheduled", account);
                    onScheduled.accept(account);
                    scheduler.execute(() -> cycle(account));
                }
            }
        } catch (TokenException e) {
            LOG.warn("event=account_discovery_failed kind={} detail=\"{}\"", e.failure().kind(), e.failure().describe());
        } catch (RuntimeException e) {
            LOG.error("event=account_discovery_failed unexpected={}", e.getClass().getName());
        }
        schedule(this::discover, maxInterval);
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

    private void schedule(Runnable task, Duration delay) {
        if (stopping) {
            return;
        }
        try {
            scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void health(HttpExchange ex) throws IOException {
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
        respond(ex, ok ? 200 : 503, "application/json", body.toString());
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod().toUpperCase(Locale.ROOT)) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
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
        server.stop(0);
        LOG.info("event=daemon_stopped");
    }
}
