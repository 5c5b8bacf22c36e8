package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the decoded fields of a successful token answer into a {@link TokenGrant}. Unknown fields
 * are ignored. {@code token_type}, when present, must be {@code bearer} (any case). {@code expires}
 * is read by {@link ExpiresField}; when it is absent the JWT {@code exp} claim ({@link JwtExpiry})
 * is used; when both are present and disagree by more than {@link #EXPIRY_DISAGREEMENT}, the
 * earlier wins. A login must carry a {@code refresh_token}; a refresh may.
 */
final class GrantReader {
    /** When {@code expires} and the JWT {@code exp} disagree by more than this, the earlier wins. */
    static final Duration EXPIRY_DISAGREEMENT = Duration.ofSeconds(60);

    private GrantReader() {}

    /**
     * @param call which call answered
     * @param fields the answer's top-level JSON object, decoded (numbers as any {@link Number})
     * @throws TokenException with {@link Failure.Malformed} naming the field that is wrong, never
     *     quoting a value
     */
    static TokenGrant read(TokenCall call, Map<String, ?> fields) {
        if (fields == null) {
            throw malformed("the response body is not a JSON object");
        }
        AccessToken access = new AccessToken(requireSecret(fields, "access_token"));

        Object type = fields.get("token_type");
        if (type != null && (!(type instanceof String t) || !t.equalsIgnoreCase("bearer"))) {
            throw malformed("token_type is not \"bearer\"");
        }

        Optional<Instant> fromJwt = JwtExpiry.of(access);
        Object expires = fields.get("expires");
        Instant expiresAt;
        if (expires == null) {
            expiresAt = fromJwt.orElseThrow(
                    () -> malformed("expires is missing and the access token carries no exp claim"));
        } else {
            expiresAt = ExpiresField.parse(expires);
            if (fromJwt.isPresent() && fromJwt.get().isBefore(expiresAt)
                    && Duration.between(fromJwt.get(), expiresAt).compareTo(EXPIRY_DISAGREEMENT) > 0) {
                expiresAt = fromJwt.get();
            }
        }

        Optional<RefreshToken> refresh = Optional.empty();
        if (fields.get("refresh_token") != null || call == TokenCall.LOGIN) {
            refresh = Optional.of(new RefreshToken(requireSecret(fields, "refresh_token")));
        }
        return new TokenGrant(access, "bearer", expiresAt, refresh);
    }

    /** The field as a usable secret: a string, not blank, without control characters. */
    private static String requireSecret(Map<String, ?> fields, String name) {
        Object v = fields.get(name);
        if (v == null) {
            throw malformed(name + " is missing");
        }
        if (!(v instanceof String s)) {
            throw malformed(name + " must be a string, got " + JsonTypes.describe(v));
        }
        if (s.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw malformed(name + " is blank");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.getType(s.charAt(i)) == Character.CONTROL) {
                // the index, never the value
                throw malformed(name + " contains a control character at index " + i);
            }
        }
        return s;
    }

    private static TokenException malformed(String detail) {
        return new TokenException(new Failure.Malformed(detail));
    }
}
