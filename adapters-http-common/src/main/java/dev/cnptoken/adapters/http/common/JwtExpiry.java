package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.AccessToken;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code exp} claim (epoch seconds) of a JWT-shaped access token, without verifying its
 * signature: FortiCNP signs it, cnp-token only reads when it ends. The payload is decoded with
 * {@link StrictJson}.
 */
final class JwtExpiry {
    /** A payload part longer than this (base64url characters) is not read. */
    private static final int MAX_PAYLOAD_CHARS = 16_384;
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private JwtExpiry() {}

    /**
     * The expiry the token's payload states.
     *
     * @return the expiry, or empty when the token is not a JWT, its payload is not a strict JSON
     *     object, or it has no {@code exp} that is a number from 1 s up to {@link
     *     ExpiresField#LATEST_PLAUSIBLE_EXPIRY}
     */
    static Optional<Instant> of(AccessToken token) {
        String[] parts = token.value().split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[1].length() > MAX_PAYLOAD_CHARS) {
            return Optional.empty();
        }
        try {
            // decoded leniently (a broken byte becomes U+FFFD), as before: only exp matters here
            String payload = new String(Base64.getUrlDecoder().decode(stripPadding(parts[1])), StandardCharsets.UTF_8);
            Optional<BigDecimal> exp = seconds(StrictJson.parse(payload) instanceof Map<?, ?> claims
                    ? claims.get("exp") : null);
            // below 1 s also keeps a tiny exp with an enormous negative exponent away from setScale
            if (exp.isEmpty() || exp.get().compareTo(BigDecimal.ONE) < 0
                    || exp.get().multiply(THOUSAND).compareTo(ExpiresField.LATEST_MILLIS) > 0) {
                return Optional.empty();
            }
            return Optional.of(Instant.ofEpochSecond(exp.get().setScale(0, RoundingMode.FLOOR).longValueExact()));
        } catch (IllegalArgumentException | ArithmeticException | StrictJson.Refused e) {
            return Optional.empty();
        }
    }

    private static Optional<BigDecimal> seconds(Object exp) {
        if (exp instanceof BigDecimal bd) {
            return Optional.of(bd);
        }
        if (exp instanceof BigInteger bi) {
            return Optional.of(new BigDecimal(bi));
        }
        return Optional.empty();
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }
}
