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
 *
 * <p>The tokens themselves are checked before anything can store them: the {@code access_token}
 * must be an RFC 6750 {@code b64token} ({@code ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"},
 * then only {@code "="} padding) of {@value #MIN_TOKEN_LENGTH}..{@value #MAX_TOKEN_LENGTH}
 * characters, since it goes verbatim into {@code Authorization: Bearer}; the {@code refresh_token}
 * must be {@value #MIN_TOKEN_LENGTH}..{@value #MAX_TOKEN_LENGTH} visible ASCII characters
 * ({@code %x21-7E}: RFC 6749 appendix A.17's {@code VSCHAR} without the space, so no padding, no
 * white space, nothing outside ASCII). A refusal names the field, the rule and at most an index,
 * never the value.
 */
final class GrantReader {
    /** When {@code expires} and the JWT {@code exp} disagree by more than this, the earlier wins. */
    static final Duration EXPIRY_DISAGREEMENT = Duration.ofSeconds(60);

    /** The shortest token accepted: anything shorter is not a bearer token but a placeholder. */
    static final int MIN_TOKEN_LENGTH = 8;
    /** The longest token accepted: a header line longer than 8 KiB is refused by many servers. */
    static final int MAX_TOKEN_LENGTH = 8192;

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
        AccessToken access = new AccessToken(requireB64Token(requireSecret(fields, "access_token"), "access_token"));

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
            refresh = Optional.of(new RefreshToken(requireVisibleAscii(requireSecret(fields, "refresh_token"), "refresh_token")));
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

    /** {@code s} if it is an RFC 6750 {@code b64token} of an accepted length. */
    private static String requireB64Token(String s, String name) {
        requireLength(s, name);
        int i = 0;
        while (i < s.length() && isB64TokenChar(s.charAt(i))) {
            i++;
        }
        int body = i;
        while (i < s.length() && s.charAt(i) == '=') {
            i++;
        }
        if (i < s.length()) {
            throw malformed(name + " is not an RFC 6750 b64token: character at index " + i + " is not allowed");
        }
        if (body == 0) {
            throw malformed(name + " is not an RFC 6750 b64token: it is only padding");
        }
        return s;
    }

    /** {@code s} if it holds only visible ASCII ({@code %x21-7E}) and has an accepted length. */
    private static String requireVisibleAscii(String s, String name) {
        requireLength(s, name);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw malformed(name + " must be visible ASCII without spaces: character at index " + i + " is not");
            }
        }
        return s;
    }

    private static void requireLength(String s, String name) {
        if (s.length() < MIN_TOKEN_LENGTH || s.length() > MAX_TOKEN_LENGTH) {
            throw malformed(name + " is " + s.length() + " characters long; " + MIN_TOKEN_LENGTH + ".." + MAX_TOKEN_LENGTH
                    + " are accepted");
        }
    }

    private static boolean isB64TokenChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    private static TokenException malformed(String detail) {
        return new TokenException(new Failure.Malformed(detail));
    }
}
