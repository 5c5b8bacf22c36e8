package dev.cnptoken.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything stored for one account. Stores keep the access side ({@code accessToken}, {@code
 * tokenType}, {@code accessExpiresAt}) apart from the rest, so readers can be given the first only.
 *
 * @param accessToken the current access token
 * @param tokenType its type, {@code "bearer"}
 * @param accessExpiresAt when the access token expires
 * @param refreshToken the current refresh token
 * @param refreshIssuedAt when that refresh token was issued (its lifetime counts from here)
 * @param updatedAt when the access token was obtained
 * @param credential the API credential, when the operator chose to keep it in the store
 * @param lease an engine instance's claim that it is calling FortiCNP for this account
 * @param lastFailure the last failure, cleared by the next success
 */
public record TokenState(
        AccessToken accessToken,
        String tokenType,
        Instant accessExpiresAt,
        RefreshToken refreshToken,
        Instant refreshIssuedAt,
        Instant updatedAt,
        Optional<ApiCredential> credential,
        Optional<Lease> lease,
        Optional<FailureNote> lastFailure) {

    public TokenState {
        Objects.requireNonNull(accessToken, "accessToken == null");
        Objects.requireNonNull(tokenType, "tokenType == null");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt == null");
        Objects.requireNonNull(refreshToken, "refreshToken == null");
        Objects.requireNonNull(refreshIssuedAt, "refreshIssuedAt == null");
        Objects.requireNonNull(updatedAt, "updatedAt == null");
        Objects.requireNonNull(credential, "credential == null");
        Objects.requireNonNull(lease, "lease == null");
        Objects.requireNonNull(lastFailure, "lastFailure == null");
        if (tokenType.isBlank()) {
            throw new IllegalArgumentException("tokenType is blank");
        }
    }

    /**
     * The state right after a login: the grant must carry a refresh token.
     *
     * @throws IllegalArgumentException if the grant has no refresh token
     */
    public static TokenState loggedIn(TokenGrant grant, Instant now, Optional<ApiCredential> credential) {
        RefreshToken refresh = grant.refreshToken()
                .orElseThrow(() -> new IllegalArgumentException("a login grant must carry a refresh token"));
        return new TokenState(grant.accessToken(), grant.tokenType(), grant.expiresAt(), refresh, now, now,
                credential, Optional.empty(), Optional.empty());
    }

    /**
     * The state after a refresh: a refresh token in the grant replaces the current one (and restarts
     * its lifetime); otherwise the current one is kept. The lease and the last failure are cleared.
     */
    public TokenState refreshed(TokenGrant grant, Instant now) {
        RefreshToken refresh = grant.refreshToken().orElse(refreshToken);
        Instant issued = grant.refreshToken().isPresent() ? now : refreshIssuedAt;
        return new TokenState(grant.accessToken(), grant.tokenType(), grant.expiresAt(), refresh, issued, now,
                credential, Optional.empty(), Optional.empty());
    }

    /** This state with {@code lease} set. */
    public TokenState withLease(Lease lease) {
        return new TokenState(accessToken, tokenType, accessExpiresAt, refreshToken, refreshIssuedAt, updatedAt,
                credential, Optional.of(lease), lastFailure);
    }

    /** This state with no lease and {@code note} as the last failure. */
    public TokenState failed(FailureNote note) {
        return new TokenState(accessToken, tokenType, accessExpiresAt, refreshToken, refreshIssuedAt, updatedAt,
                credential, Optional.empty(), Optional.of(note));
    }

    /** This state with no lease. */
    public TokenState withoutLease() {
        return new TokenState(accessToken, tokenType, accessExpiresAt, refreshToken, refreshIssuedAt, updatedAt,
                credential, Optional.empty(), lastFailure);
    }

    /** This state with {@code credential} kept in it (or removed, when empty). */
    public TokenState withCredential(Optional<ApiCredential> credential) {
        return new TokenState(accessToken, tokenType, accessExpiresAt, refreshToken, refreshIssuedAt, updatedAt,
                credential, lease, lastFailure);
    }

    /**
     * This state as every {@link dev.cnptoken.domain.port.TokenStore} reads it back: each instant cut
     * to the millisecond (the precision the port promises), everything else unchanged.
     */
    public TokenState toStoredPrecision() {
        return new TokenState(accessToken, tokenType, millis(accessExpiresAt), refreshToken, millis(refreshIssuedAt),
                millis(updatedAt), credential, lease.map(l -> new Lease(l.owner(), millis(l.until()))),
                lastFailure.map(f -> new FailureNote(f.kind(), f.detail(), millis(f.at()), f.nextAttemptAt().map(TokenState::millis))));
    }

    private static Instant millis(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    /** When the refresh token runs out, given its lifetime. */
    public Instant refreshExpiresAt(Duration refreshLifetime) {
        return refreshIssuedAt.plus(refreshLifetime);
    }

    /** Whether the access token is still valid at {@code now}. */
    public boolean accessValidAt(Instant now) {
        return now.isBefore(accessExpiresAt);
    }

    @Override
    public String toString() {
        // The secrets' own toString() redact them.
        return "TokenState[accessToken=" + accessToken + ", tokenType=" + tokenType + ", accessExpiresAt="
                + accessExpiresAt + ", refreshToken=" + refreshToken + ", refreshIssuedAt=" + refreshIssuedAt
                + ", updatedAt=" + updatedAt + ", credential=" + credential.map(ApiCredential::toString).orElse("none")
                + ", lease=" + lease.map(Lease::toString).orElse("none") + ", lastFailure="
                + lastFailure.map(FailureNote::toString).orElse("none") + "]";
    }
}
