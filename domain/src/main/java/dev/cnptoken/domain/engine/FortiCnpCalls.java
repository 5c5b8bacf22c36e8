package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.CredentialSource;
import dev.cnptoken.domain.port.TokenRefresher;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Gets a new grant from FortiCNP for one account, choosing between a refresh and a login, and
 * rejects a grant the engine cannot use.
 *
 * <p>A login replaces the refresh when the refresh token nears the end of its life, and follows a
 * refresh whose refresh token was rejected, provided a credential is at hand (from the {@link
 * CredentialSource}, else kept in the stored state). Every failure is a {@link TokenException};
 * the caller holds the slot's lock.
 */
final class FortiCnpCalls {
    private final TokenRefresher refresher;
    private final CredentialSource credentials;
    private final EngineSettings settings;
    private final SchedulePolicy policy;
    private final TokenEventListener events;

    FortiCnpCalls(TokenRefresher refresher, CredentialSource credentials, EngineSettings settings, SchedulePolicy policy,
            TokenEventListener events) {
        this.refresher = refresher;
        this.credentials = credentials;
        this.settings = settings;
        this.policy = policy;
        this.events = events;
    }

    /** A new grant for {@code state} at {@code now}: a refresh, or a login when the refresh token nears its end or is rejected. */
    Obtained refreshOrLogIn(Slot slot, TokenState state, Instant now) {
        boolean reloginDue = !now.isBefore(policy.reloginAt(state));
        // The source is asked only when a login is due or needed, so a broken source does not stop plain refreshes.
        Optional<ApiCredential> credential = reloginDue ? credentialFor(slot.account, state) : Optional.empty();
        // Without a credential a re-login cannot happen: plan by the access token alone, and say so once.
        if (slot.credentialMissing(reloginDue && credential.isEmpty())) {
            events.onEvent(new TokenEvent.CredentialMissing(slot.account, state.refreshExpiresAt(settings.refreshTokenLifetime())));
        }
        if (reloginDue && credential.isPresent()) {
            return logIn(credential.get(), "refresh token near end of life", now);
        }
        try {
            return checked(TokenCall.REFRESH, refresher.refresh(state.refreshToken()), "", now);
        } catch (TokenException e) {
            if (!(e.failure() instanceof Failure.Rejected r) || r.subject() != Failure.Subject.REFRESH_TOKEN) {
                throw e;
            }
            Optional<ApiCredential> fallback = reloginDue ? credential : credentialFor(slot.account, state);
            if (fallback.isEmpty()) {
                throw new TokenException(new Failure.Rejected(r.subject(), r.status(), r.oauthError(),
                        r.detail() + "; no API credential is configured to log in again"), e);
            }
            return logIn(fallback.get(), "refresh token rejected", now);
        }
    }

    /** The credential to log in with: the configured source's, else the one kept in {@code state}. */
    private Optional<ApiCredential> credentialFor(AccountId account, TokenState state) {
        return configuredCredential(account).or(state::credential);
    }

    /**
     * The credential of {@code account} from the configured source, if it has one. The one place the
     * engine asks the source: whatever it throws becomes a {@link TokenException}, so a broken source
     * is a failure like any other (an event, a backoff, the last good state kept), not a raw
     * exception out of {@code currentToken}.
     *
     * @throws TokenException what the source threw, if a {@code TokenException}; {@code
     *     NotConfigured} for any other {@link RuntimeException} or a null answer
     */
    Optional<ApiCredential> configuredCredential(AccountId account) {
        Optional<ApiCredential> credential;
        try {
            credential = credentials.credential(account);
        } catch (TokenException e) {
            throw e;
        } catch (RuntimeException e) {
            // Neither the message nor the cause is kept: either could repeat what the source read.
            throw new TokenException(new Failure.NotConfigured("the credential source of account " + account
                    + " failed (" + e.getClass().getSimpleName() + readingWhat(e) + ")"));
        }
        if (credential == null) {
            throw new TokenException(new Failure.NotConfigured("the credential source of account " + account
                    + " answered null instead of an Optional"));
        }
        return credential;
    }

    /** The file a failed read names, e.g. {@code ": NoSuchFileException /etc/x"}; empty for other failures. */
    private static String readingWhat(RuntimeException e) {
        if (e instanceof UncheckedIOException u && u.getCause() instanceof FileSystemException f
                && f.getFile() != null) {
            return ": " + f.getClass().getSimpleName() + " " + f.getFile();
        }
        return "";
    }

    /** A login with {@code credential} at {@code now}, for {@code reason} (reported in {@link TokenEvent.LoggedIn}). */
    Obtained logIn(ApiCredential credential, String reason, Instant now) {
        return checked(TokenCall.LOGIN, refresher.login(credential), reason, now);
    }

    /**
     * Rejects a grant that is missing, a login without a refresh token, and a grant whose access token
     * is already expired (or nearly) and that carries no refresh token. A grant that does carry one is
     * returned even when its access token is unusable, marked with why: the server may have retired
     * the old refresh token, so the new one must be stored all the same.
     */
    private Obtained checked(TokenCall call, TokenGrant grant, String reason, Instant now) {
        if (grant == null) {
            throw new TokenException(new Failure.Malformed("the token refresher returned no grant"));
        }
        if (call == TokenCall.LOGIN && grant.refreshToken().isEmpty()) {
            throw new TokenException(new Failure.Malformed("the login answer carried no refresh_token"));
        }
        Optional<String> unusable = unusable(grant, now);
        if (unusable.isEmpty()) {
            return new Obtained(call, grant, reason, Optional.empty());
        }
        if (grant.refreshToken().isEmpty()) {
            throw new TokenException(new Failure.Malformed(unusable.get()));
        }
        // The same answer will come every time: a setting or the clock is wrong, not the server.
        return new Obtained(call, grant, reason, Optional.of(new Failure.NotConfigured(unusable.get()
                + " (its new refresh token was stored)")));
    }

    /** Why the access token of {@code grant} cannot be handed out at {@code now}, if it cannot. */
    private Optional<String> unusable(TokenGrant grant, Instant now) {
        if (!grant.expiresAt().isAfter(now)) {
            return Optional.of("expires (" + grant.expiresAt() + ") is in the past; check the clock of this host");
        }
        if (!grant.expiresAt().isAfter(now.plus(settings.expirySkew()))) {
            return Optional.of("the new token lives " + Duration.between(now, grant.expiresAt()).toMillis()
                    + " ms, not longer than the expiry skew (" + settings.expirySkew().toMillis()
                    + " ms); lower the expiry skew or check the clock of this host");
        }
        return Optional.empty();
    }

    /**
     * A grant from FortiCNP.
     *
     * @param call the call that got it
     * @param grant the checked grant
     * @param loginReason why a login was made (for {@link TokenEvent.LoggedIn}); empty for a refresh
     * @param unusable why the access token cannot be handed out, when it cannot: the grant is stored
     *     for its refresh token, and the cycle fails with this
     */
    record Obtained(TokenCall call, TokenGrant grant, String loginReason, Optional<Failure> unusable) {}
}
