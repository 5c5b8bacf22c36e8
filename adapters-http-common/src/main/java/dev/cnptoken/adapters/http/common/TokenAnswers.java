package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns an HTTP answer to a token call into a grant or a {@link TokenException}: the one entry to
 * the FortiCNP wire rules both HTTP adapters share. The body is decoded by {@code StrictJson}
 * (Jackson); a success is read by {@code GrantReader} ({@code expires} by {@code ExpiresField},
 * the JWT {@code exp} fallback by {@code JwtExpiry}); a failure is classified by {@code
 * FailureClassifier} with the delay {@code RetryAfter} reads. A token answer body is never quoted in
 * a message (it holds secrets); of an error body only the RFC 6749 {@code error} and {@code
 * error_description} are, token-shaped text redacted.
 */
public final class TokenAnswers {
    private TokenAnswers() {}

    /**
     * Reads at most {@code cap + 1} bytes of {@code in} (closing it), so the caller can tell an
     * oversized body by its length.
     */
    public static byte[] readCapped(InputStream in, int cap) throws IOException {
        try (in) {
            byte[] buf = new byte[Math.min(cap + 1, 8192)];
            byte[] out = new byte[0];
            int total = 0;
            while (total <= cap) {
                int n = in.read(buf, 0, Math.min(buf.length, cap + 1 - total));
                if (n < 0) {
                    break;
                }
                if (total + n > out.length) {
                    out = Arrays.copyOf(out, Math.max(total + n, Math.min(cap + 1, out.length * 2 + 1024)));
                }
                System.arraycopy(buf, 0, out, total, n);
                total += n;
            }
            return total == out.length ? out : Arrays.copyOf(out, total);
        }
    }

    /**
     * The grant a 2xx answer carries, or the typed failure of any other answer.
     *
     * @param body the body, at most {@code cap + 1} bytes; longer than {@code cap} means oversized
     * @param retryAfterHeader the {@code Retry-After} header, or null
     * @param clock what a {@code Retry-After} date is measured against
     * @throws TokenException with {@link Failure.Malformed} for a 2xx answer that is not a usable
     *     token answer, else with the classified failure
     */
    public static TokenGrant interpret(TokenCall call, int status, byte[] body, int cap, String retryAfterHeader, Clock clock) {
        Objects.requireNonNull(call, "call == null");
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(clock, "clock == null");
        boolean oversized = body.length > cap;
        if (status >= 200 && status < 300) {
            if (oversized) {
                throw malformed(where(call) + " answer is larger than " + cap + " bytes");
            }
            if (body.length == 0) {
                throw malformed(where(call) + " answered HTTP " + status + " with an empty body");
            }
            Object decoded;
            try {
                decoded = StrictJson.parse(body);
            } catch (StrictJson.Refused e) {
                throw malformed(where(call) + " answer is " + e.getMessage());
            }
            if (!(decoded instanceof Map<?, ?> map)) {
                throw malformed(where(call) + " answer is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> fields = (Map<String, ?>) map;
            return GrantReader.read(call, fields);
        }
        Optional<String> error = Optional.empty();
        Optional<String> description = Optional.empty();
        if (!oversized && body.length > 0) {
            try {
                if (StrictJson.parse(body) instanceof Map<?, ?> map) {
                    error = text(map.get("error"));
                    description = text(map.get("error_description"));
                }
            } catch (StrictJson.Refused e) {
                // not an OAuth error body (an HTML page, plain text): classify by status alone
            }
        }
        throw new TokenException(FailureClassifier.classify(call, status, error, description,
                RetryAfter.parse(retryAfterHeader, clock.instant())));
    }

    /** {@code login} or {@code refresh}, for messages. */
    public static String where(TokenCall call) {
        return call == TokenCall.LOGIN ? "login" : "refresh";
    }

    private static Optional<String> text(Object v) {
        return v instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static TokenException malformed(String detail) {
        return new TokenException(new Failure.Malformed(detail));
    }
}
