package dev.cnptoken.app.observe;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.engine.AccountHealth;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.engine.TokenEventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Turns engine events into Micrometer metrics, labelled by account and never by anything secret:
 *
 * <ul>
 *   <li>{@code cnp_token_refreshes_total{account,result}}: refreshed, logged_in, adopted
 *   <li>{@code cnp_token_refresh_failures_total{account,kind}}: rejected, unavailable, malformed, store, not_configured
 *   <li>{@code cnp_token_refresh_seconds{account,call}}: latency of a FortiCNP call and its store write
 *   <li>{@code cnp_token_expiry_seconds{account}}: seconds until the held access token expires (negative: expired)
 *   <li>{@code cnp_token_serving_stale{account}}: 1 while a still-valid token is served after a failed refresh
 *   <li>{@code cnp_token_lease_takeovers_total{account}}
 * </ul>
 */
public final class MetricsListener implements TokenEventListener {
    private final MeterRegistry registry;

    public MetricsListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry == null");
    }

    /** Registers the per-account gauges, read from the engine's in-memory view when scraped. */
    public void registerGauges(Supplier<TokenEngine> engine, Collection<AccountId> accounts, Clock clock) {
        for (AccountId account : accounts) {
            Gauge.builder("cnp_token_expiry_seconds", () -> {
                        AccountHealth h = engine.get().health(account);
                        return h.accessExpiresAt()
                                .map(at -> Duration.between(clock.instant(), at).toMillis() / 1000.0)
                                .orElse(Double.NaN);
                    })
                    .description("Seconds until the access token held for the account expires")
                    .tag("account", account.name())
                    .register(registry);
            Gauge.builder("cnp_token_serving_stale", () -> engine.get().health(account).servingStale() ? 1 : 0)
                    .description("1 while a still-valid token is served after a failed refresh")
                    .tag("account", account.name())
                    .register(registry);
        }
    }

    @Override
    public void onEvent(TokenEvent event) {
        String account = event.account().name();
        if (event instanceof TokenEvent.Refreshed e) {
            count("refreshed", account);
            latency(account, "refresh", e.latency());
        } else if (event instanceof TokenEvent.LoggedIn e) {
            count("logged_in", account);
            latency(account, "login", e.latency());
        } else if (event instanceof TokenEvent.Adopted) {
            count("adopted", account);
        } else if (event instanceof TokenEvent.Failed e) {
            Counter.builder("cnp_token_refresh_failures_total").tag("account", account).tag("kind", e.failure().kind())
                    .description("Failed refresh cycles by failure class").register(registry).increment();
        } else if (event instanceof TokenEvent.LeaseTakenOver) {
            Counter.builder("cnp_token_lease_takeovers_total").tag("account", account)
                    .description("Leases taken over from an instance that died").register(registry).increment();
        }
    }

    private void latency(String account, String call, Duration latency) {
        Timer.builder("cnp_token_refresh_seconds").tag("account", account).tag("call", call)
                .description("Latency of a FortiCNP call and its store write").register(registry).record(latency);
    }

    private void count(String result, String account) {
        Counter.builder("cnp_token_refreshes_total").tag("account", account).tag("result", result)
                .description("Successful refresh cycles by result").register(registry).increment();
    }
}
