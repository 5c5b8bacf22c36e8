package dev.cnptoken.app.observe;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.engine.TokenEvent;
import dev.cnptoken.domain.engine.TokenEventListener;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each engine event as one log line. Events hold no secret, so neither do the lines. */
public final class LoggingListener implements TokenEventListener {
    private static final Logger LOG = LoggerFactory.getLogger("cnp-token.engine");

    @Override
    public void onEvent(TokenEvent event) {
        if (event instanceof TokenEvent.Refreshed e) {
            LOG.info("account={} event=refreshed reason={} expires_at={} latency_ms={} refresh_token_rotated={}",
                    e.account(), e.reason().name().toLowerCase(Locale.ROOT), e.expiresAt(), e.latency().toMillis(),
                    e.refreshTokenRotated());
        } else if (event instanceof TokenEvent.LoggedIn e) {
            LOG.info("account={} event=logged_in reason=\"{}\" expires_at={} latency_ms={}",
                    e.account(), e.reason(), e.expiresAt(), e.latency().toMillis());
        } else if (event instanceof TokenEvent.Failed e) {
            Failure f = e.failure();
            String hint = action(f);
            LOG.warn("account={} event=refresh_failed kind={} retryable={} consecutive={} retry_in_s={} serving_stale={} detail=\"{}\"{}",
                    e.account(), f.kind(), f.retryable(), e.consecutiveFailures(), e.retryIn().toSeconds(), e.servingStale(),
                    f.describe(), hint);
        } else if (event instanceof TokenEvent.ServingStale e) {
            LOG.warn("account={} event=serving_stale valid_until={}", e.account(), e.validUntil());
        } else if (event instanceof TokenEvent.Adopted e) {
            LOG.info("account={} event=adopted expires_at={}", e.account(), e.expiresAt());
        } else if (event instanceof TokenEvent.CredentialMissing e) {
            LOG.warn("account={} event=credential_missing refresh_token_expires_at={} action=\"provide the API credential"
                    + " (CNP_CREDENTIAL_<ACCOUNT>, credential_dir) or run cnp-token login before then\"",
                    e.account(), e.refreshTokenExpiresAt());
        } else if (event instanceof TokenEvent.Invalidated e) {
            LOG.info("account={} event=invalidated result={}", e.account(), e.result().name().toLowerCase(Locale.ROOT));
        } else if (event instanceof TokenEvent.LeaseTakenOver e) {
            LOG.warn("account={} event=lease_taken_over previous_owner={} lapsed_at={}", e.account(), e.previousOwner(), e.lapsedAt());
        }
    }

    /** What a human must do about a failure the engine cannot get past by itself, as an {@code action=} field; empty otherwise. */
    private static String action(Failure f) {
        if (!(f instanceof Failure.Rejected r)) {
            return "";
        }
        if (r.needsHuman()) {
            return " action=\"a human must renew the API credential or fix the configuration, then run cnp-token login\"";
        }
        // The engine only reports a rejected refresh token when it had no credential to log in again with.
        return " action=\"the refresh token is dead and no API credential is configured: run cnp-token login, or provide the"
                + " credential (CNP_CREDENTIAL_<ACCOUNT>, credential_dir, or login --keep-credential) so the engine logs in again\"";
    }
}
