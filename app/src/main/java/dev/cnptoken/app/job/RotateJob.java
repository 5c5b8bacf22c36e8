package dev.cnptoken.app.job;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.Sleeper;
import dev.cnptoken.domain.engine.TokenEngine;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.domain.port.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a set of accounts: each that is due (or falls due within the horizon, or all with
 * force) is refreshed, a bounded number at a time, and retried within the run while it fails
 * transiently. Safe to run as several processes at once: the engine's leases make each refresh
 * happen once.
 */
public final class RotateJob {
    private static final Logger LOG = LoggerFactory.getLogger("cnp-token.rotate");

    /** What the job did, or in a dry run would do, for one account. */
    public record AccountResult(AccountId account, String action, Optional<Instant> expiresAt, Optional<Failure> failure, ExitCode exit) {
        public AccountResult {
            Objects.requireNonNull(account, "account == null");
            Objects.requireNonNull(action, "action == null");
        }
    }

    /** The whole run. */
    public record Report(List<AccountResult> accounts, ExitCode exit) {}

    private final TokenEngine engine;
    private final TokenStore store;
    private final CredentialSource credentials;
    private final Clock clock;
    private final int concurrency;
    /** Retries each account's transient failures within the run. */
    private final PatientRefresh patience;

    /**
     * A job that retries an account's transient failures within the run, following the engine's
     * backoff, for at most {@code maxWait} per account (see {@link PatientRefresh}).
     *
     * @param sleeper how to wait for the next attempt
     */
    public RotateJob(TokenEngine engine, TokenStore store, CredentialSource credentials, Clock clock, int concurrency,
            Sleeper sleeper, Duration maxWait) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.store = Objects.requireNonNull(store, "store == null");
        this.credentials = Objects.requireNonNull(credentials, "credentials == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.concurrency = concurrency;
        this.patience = new PatientRefresh(engine, clock, sleeper, maxWait);
    }

    /**
     * Runs the pass.
     *
     * @param force refresh every account, due or not
     * @param horizon also refresh what falls due within this time (the job's interval)
     * @param dryRun only report what would be done; nothing is called or written
     */
    public Report run(List<AccountId> accounts, boolean force, Duration horizon, boolean dryRun) {
        List<AccountResult> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, accounts.size())), r -> {
            Thread t = new Thread(r, "cnp-token-rotate");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<AccountResult>> futures = new ArrayList<>();
            for (AccountId account : accounts) {
                futures.add(pool.submit(() -> dryRun ? plan(account, force, horizon) : rotate(account, force, horizon)));
            }
            for (int i = 0; i < futures.size(); i++) {
                results.add(await(futures.get(i), accounts.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
        return new Report(List.copyOf(results), ExitCode.worst(results.stream().map(AccountResult::exit).toList()));
    }

    private AccountResult rotate(AccountId account, boolean force, Duration horizon) {
        RefreshOutcome o = patience.refresh(account, force, horizon);
        String action = o.result().name().toLowerCase(java.util.Locale.ROOT);
        // The engine has logged what happened; the command prints the per-account result.
        ExitCode exit = o.failure().map(ExitCode::of).orElse(o.result().fresh() ? ExitCode.OK : ExitCode.TRANSIENT);
        return new AccountResult(account, action, o.accessExpiresAt(), o.failure(), exit);
    }

    private AccountResult plan(AccountId account, boolean force, Duration horizon) {
        try {
            Optional<VersionedState> stored = store.read(account);
            if (stored.isEmpty()) {
                boolean canLogIn = credentials.credential(account).isPresent();
                return canLogIn
                        ? new AccountResult(account, "would_log_in", Optional.empty(), Optional.empty(), ExitCode.OK)
                        : notConfigured(account);
            }
            Instant due = engine.refreshDueAt(stored.get().state());
            Instant expires = stored.get().state().accessExpiresAt();
            boolean dueNow = force || !clock.instant().plus(horizon).isBefore(due);
            return new AccountResult(account, dueNow ? "would_refresh" : "not_due", Optional.of(expires), Optional.empty(), ExitCode.OK);
        } catch (TokenException e) {
            return new AccountResult(account, "failed", Optional.empty(), Optional.of(e.failure()), ExitCode.of(e.failure()));
        }
    }

    private static AccountResult notConfigured(AccountId account) {
        Failure f = new Failure.NotConfigured("account " + account + " has no stored tokens and no API credential");
        return new AccountResult(account, "failed", Optional.empty(), Optional.of(f), ExitCode.CONFIG);
    }

    private static AccountResult await(Future<AccountResult> future, AccountId account) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Failure f = new Failure.Unavailable(java.util.OptionalInt.empty(), Optional.empty(), "interrupted");
            return new AccountResult(account, "failed", Optional.empty(), Optional.of(f), ExitCode.TRANSIENT);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TokenException te) {
                return new AccountResult(account, "failed", Optional.empty(), Optional.of(te.failure()), ExitCode.of(te.failure()));
            }
            // Only the type: a foreign exception's message is not known to be free of secrets.
            LOG.error("account={} rotate=failed unexpected={}", account, cause.getClass().getName());
            Failure f = new Failure.Unavailable(java.util.OptionalInt.empty(), Optional.empty(), "unexpected " + cause.getClass().getName());
            return new AccountResult(account, "failed", Optional.empty(), Optional.of(f), ExitCode.INTERNAL);
        }
    }
}
