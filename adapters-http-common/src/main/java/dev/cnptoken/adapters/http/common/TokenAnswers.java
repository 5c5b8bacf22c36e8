package dev.cnptoken.adapters.http.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenCall;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenGrant;
import dev.cnptoken.domain.TokenResponses;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an HTTP answer to a token call into a grant or a {@link TokenException}. JSON is decoded
 * here with Jackson; every FortiCNP wire rule (fields, {@code expires}, error classification,
 * {@code Retry-After}) is the domain's {@link TokenResponses}. A token response body is never quoted
 * in a message (it holds secrets); of an error body only the RFC 6749 {@code error} and {@code
 * error_description} are.
 */
public final class TokenAnswers {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

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
     * @param body the body, at most {@code cap + 1} bytes; longer than {@code cap} means oversized
     * @param retryAfterHeader the {@code Retry-After} header, or null
     */
    public static TokenGrant interpret(TokenCall call, int status, byte[] body, int cap, String retryAfterHeader, Clock clock) {
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
                decoded = MAPPER.readValue(body, Object.class);
            } catch (JsonProcessingException e) {
                // Jackson's message can quote the body; keep only the position
                throw malformed(where(call) + " answer is not valid JSON (line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr() + ")");
            } catch (IOException e) {
                throw malformed(where(call) + " answer is not valid JSON");
            }
            if (!(decoded instanceof Map<?, ?> map)) {
                throw malformed(where(call) + " answer is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> fields = (Map<String, ?>) map;
            return TokenResponses.toGrant(call, fields);
        }
        Optional<String> error = Optional.empty();
        Optional<String> description = Optional.empty();
        if (!oversized && body.length > 0) {
            try {
                if (MAPPER.readValue(body, Object.class) instanceof Map<?, ?> map) {
                    error = text(map.get("error"));
                    description = text(map.get("error_description"));
                }
            } catch (IOException e) {
                // not an OAuth error body (an HTML page, plain text): classify by status alone
            }
        }
        throw new TokenException(TokenResponses.classify(call, status, error, description,
                TokenResponses.parseRetryAfter(retryAfterHeader, clock.instant())));
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
