package dev.cnptoken.domain.port;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;

/**
 * The FortiCNP authentication API. Implementations are thread-safe and make exactly one attempt
 * per call: retrying is the engine's job. Every failure is a {@link TokenException} whose {@link
 * dev.cnptoken.domain.Failure} is {@code Rejected}, {@code Unavailable} or {@code Malformed}; no
 * library exception escapes, and no message holds a token or the credential.
 *
 * <p>A refresher is {@link AutoCloseable} so that one which owns a client (the HTTP adapters own an
 * HTTP client) can be closed by whoever built it, in a try-with-resources block or at shutdown. The
 * default {@link #close()} does nothing; closing never throws a checked exception.
 */
public interface TokenRefresher extends AutoCloseable {

    /**
     * Get Credentials Token: logs in with the API credential.
     *
     * @return a grant that always carries a refresh token
     * @throws TokenException {@code Rejected} with subject {@code CREDENTIAL} when the credential is
     *     refused; {@code Unavailable} for network faults, timeouts, 408, 429 and 5xx; {@code
     *     Malformed} for an answer that is not a usable token response
     */
    TokenGrant login(ApiCredential credential);

    /**
     * Get Refresh Token: exchanges a refresh token for a new access token.
     *
     * @return a grant; it carries a refresh token only when the server rotated it, and then that one
     *     replaces the old
     * @throws TokenException {@code Rejected} with subject {@code REFRESH_TOKEN} when the refresh
     *     token is unknown, revoked or expired; otherwise as {@link #login}
     */
    TokenGrant refresh(RefreshToken refreshToken);

    /**
     * Releases what this refresher owns; afterwards its calls may fail. Idempotent. The default does
     * nothing, for refreshers that own nothing.
     */
    @Override
    default void close() {}
}
