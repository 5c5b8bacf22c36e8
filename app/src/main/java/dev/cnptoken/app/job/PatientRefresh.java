package dev.cnptoken.app.job;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.engine.RefreshOutcome;
import dev.cnptoken.domain.engine.Sleeper;
import dev.cnptoken.domain.engine.TokenEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Brings one account up to date within a run, retrying while it fails transiently: each retry waits
 * until the engine's next attempt time ({@link RefreshOutcome#nextCheckAt()}, which follows the
 * backoff and the server's {@code Retry-After}), as long as that time is within the budget.
 *
 * <p>The budget ends {@code maxWait} after the start, or earlier when the account holds a token that
 * stops being valid before then: once it has expired unrefreshed, the run reports the failure rather
 * than wait on. A permanent failure (a rejection, a missing configuration) is never retried.
 * Thread-safe when the sleeper is; the engine is.
 */
public final class PatientRefresh {
    private final TokenEngine engine;
    private final Clock clock;
    /** How to wait for the next attempt; tests pass one that steps their clock. */
    private final Sleeper sleeper;
    /** The longest one account is retried for. */
    private final Duration maxWait;

    public PatientRefresh(TokenEngine engine, Clock clock, Sleeper sleeper, Duration maxWait) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait == null");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait is negative");
        }
    }

    /**
     * {@link TokenEngine#refresh(AccountId, boolean, Duration)}, repeated while it fails transiently
     * and the next attempt falls within the budget.
     *
     * @return the last outcome: a success, a permanent failure, or the transient failure that was
     *     still there when the budget ran out
     */
    public RefreshOutcome refresh(AccountId account, boolean force, Duration horizon) {
        Instant start = clock.instant();
        RefreshOutcome outcome = engine.refresh(account, force, horizon);
        Instant deadline = deadline(start, outcome);
        while (retryable(outcome) && !outcome.nextCheckAt().isAfter(deadline)) {
            Duration wait = Duration.between(clock.instant(), outcome.nextCheckAt());
            if (wait.compareTo(Duration.ZERO) > 0) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return outcome;
                }
            }
            outcome = engine.refresh(account, force, horizon);
        }
        return outcome;
    }

    /** The end of the budget: {@code maxWait} after {@code start}, but no later than the held token stays valid. */
    private Instant deadline(Instant start, RefreshOutcome first) {
        Instant budget = start.plus(maxWait);
        Duration skew = engine.settings().expirySkew();
        return first.accessExpiresAt()
                .map(expires -> expires.minus(skew))
                .filter(start::isBefore)
                .filter(budget::isAfter)
                .orElse(budget);
    }

    /** Whether trying again later can help: a failed or backed-off cycle whose failure is transient (or unknown). */
    private static boolean retryable(RefreshOutcome o) {
        boolean failed = o.result() == RefreshOutcome.Result.FAILED || o.result() == RefreshOutcome.Result.BACKING_OFF;
        return failed && o.failure().map(f -> f.retryable()).orElse(true);
    }
}
