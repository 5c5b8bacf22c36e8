package dev.cnptoken.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What FortiCNP returned for a login or a refresh.
 *
 * @param accessToken the new access token
 * @param tokenType the token type, {@code "bearer"}
 * @param expiresAt when the access token expires
 * @param refreshToken a refresh token, if the response carried one (always after a login; after a
 *     refresh only when the server rotates it, and then it replaces the old one)
 */
public record TokenGrant(AccessToken accessToken, String tokenType, Instant expiresAt, Optional<RefreshToken> refreshToken) {
    public TokenGrant {
        Objects.requireNonNull(accessToken, "accessToken == null");
        Objects.requireNonNull(tokenType, "tokenType == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
        Objects.requireNonNull(refreshToken, "refreshToken == null");
        if (tokenType.isBlank()) {
            throw new IllegalArgumentException("tokenType is blank");
        }
    }
}
