package dev.cnptoken.domain;

import dev.cnptoken.domain.json.Json;
import dev.cnptoken.domain.json.JsonException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The FortiCNP wire rules that every HTTP transport shares: turning a decoded token response into a
 * {@link TokenGrant}, reading the {@code expires} field in all its forms, and classifying error
 * answers into {@link Failure}s. Transports decode JSON with their own library and hand the decoded
 * values here, so these rules exist once.
 */
public final class TokenResponses {
    /** Expiry instants after this are treated as absurd: 2100-01-01T00:00:00Z. */
    public static final Instant LATEST_PLAUSIBLE_EXPIRY = Instant.parse("2100-01-01T00:00:00Z");

    /** When {@code expires} and the JWT {@code exp} disagree by more than this, the earlier wins. */
    static final Duration EXPIRY_DISAGREEMENT = Duration.ofSeconds(60);

    private static final Pattern NUMERIC = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final BigDecimal LATEST_MILLIS = BigDecimal.valueOf(LATEST_PLAUSIBLE_EXPIRY.toEpochMilli());
    /**
     * Expiry instants before this are refused: 2001-09-09T01:46:40Z, 10^12 epoch milliseconds. Any
     * epoch-seconds value of this century falls below it, so a server that sends seconds gets a clear
     * error instead of tokens that look expired since 1970.
     */
    public static final Instant EARLIEST_PLAUSIBLE_EXPIRY = Instant.ofEpochMilli(1_000_000_000_000L);
    private static final BigDecimal EARLIEST_MILLIS = BigDecimal.valueOf(EARLIEST_PLAUSIBLE_EXPIRY.toEpochMilli());
    /** A run this long of token characters in a server's error text is treated as a possible secret. */
    private static final Pattern TOKEN_LIKE = Pattern.compile("[A-Za-z0-9._~+/=-]{24,}");
    private static final Set<String> PERMANENT_CLIENT_ERRORS =
            Set.of("invalid_grant", "invalid_client", "unauthorized_client", "access_denied", "invalid_token");
    private static final Set<String> REQUEST_ERRORS = Set.of("invalid_request", "unsupported_grant_type", "invalid_scope");
    private static final Set<String> TRANSIENT_ERRORS = Set.of("temporarily_unavailable", "server_error");

    private TokenResponses() {}

    /**
     * Reads FortiCNP's {@code expires}: epoch milliseconds as a JSON number in any form ({@code
     * 1.585002361532E12}, {@code 1585002361532}, {@code 1585002361532.0}) or as a string holding
     * such a number. Fractions of a millisecond are dropped.
     *
     * @param raw the decoded JSON value: a {@link Number} or a {@link String}
     * @return the expiry instant
     * @throws TokenException with {@link Failure.Malformed} naming the field for anything else: null,
     *     empty, negative or zero, NaN, non-numeric, or later than {@link #LATEST_PLAUSIBLE_EXPIRY}
     */
    public static Instant parseExpires(Object raw) {
        BigDecimal millis;
        if (raw == null) {
            throw malformed("expires is missing");
        } else if (raw instanceof BigDecimal bd) {
            millis = bd;
        } else if (raw instanceof BigInteger bi) {
            millis = new BigDecimal(bi);
        } else if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            millis = BigDecimal.valueOf(((Number) raw).longValue());
        } else if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw malformed("expires is not a finite number");
            }
            millis = new BigDecimal(raw.toString());
        } else if (raw instanceof String str) {
            if (str.isEmpty()) {
                throw malformed("expires is an empty string");
            }
            if (str.length() > 64 || !NUMERIC.matcher(str).matches()) {
                throw malformed("expires is a string that is not a number");
            }
            try {
                millis = new BigDecimal(str);
            } catch (NumberFormatException e) {
                // an exponent beyond the int range, e.g. "1e99999999999"
                throw malformed("expires is a string that is not a usable number");
            }
        } else {
            throw malformed("expires must be a number or a numeric string, got " + jsonType(raw));
        }
        // below 1 ms is "zero" after flooring; checking it first also keeps a tiny value with an
        // enormous negative exponent (1e-99999999) away from setScale, which would compute 10^n
        if (millis.compareTo(BigDecimal.ONE) < 0) {
            throw malformed("expires is not a positive epoch-milliseconds value");
        }
        if (millis.compareTo(EARLIEST_MILLIS) < 0) {
            throw malformed("expires is before " + EARLIEST_PLAUSIBLE_EXPIRY + ": it looks like epoch seconds, epoch milliseconds expected");
        }
        if (millis.compareTo(LATEST_MILLIS) > 0) {
            throw malformed("expires is later than " + LATEST_PLAUSIBLE_EXPIRY + " (epoch milliseconds expected)");
        }
        return Instant.ofEpochMilli(millis.setScale(0, RoundingMode.FLOOR).longValueExact());
    }

    /**
     * The {@code exp} claim (epoch seconds) of a JWT-shaped access token, without verifying its
     * signature: FortiCNP signs it, cnp-token only reads when it ends.
     *
     * @return the expiry, or empty when the token is not a JWT or has no usable {@code exp}
     */
    public static Optional<Instant> jwtExpiry(AccessToken token) {
        String[] parts = token.value().split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[1].length() > 16_384) {
            return Optional.empty();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(stripPadding(parts[1])), StandardCharsets.UTF_8);
            Object exp = Json.parseObject(payload).get("exp");
            // below 1 s also keeps a tiny exp with an enormous negative exponent away from setScale
            if (!(exp instanceof BigDecimal seconds) || seconds.compareTo(BigDecimal.ONE) < 0) {
                return Optional.empty();
            }
            BigDecimal millis = seconds.multiply(BigDecimal.valueOf(1000));
            if (millis.compareTo(LATEST_MILLIS) > 0) {
                return Optional.empty();
            }
            return Optional.of(Instant.ofEpochSecond(seconds.setScale(0, RoundingMode.FLOOR).longValueExact()));
        } catch (IllegalArgumentException | JsonException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /**
     * Turns the decoded fields of a successful token response into a grant. Unknown fields are
     * ignored. {@code token_type}, when present, must be {@code bearer} (any case). {@code expires}
     * is read with {@link #parseExpires}; when it is absent the JWT {@code exp} claim is used; when
     * both are present and disagree by more than a minute, the earlier wins. A login must carry a
     * {@code refresh_token}; a refresh may.
     *
     * @param call which call answered
     * @param fields the response's top-level JSON object, decoded (numbers as any {@link Number})
     * @throws TokenException with {@link Failure.Malformed} naming the field that is wrong
     */
    public static TokenGrant toGrant(TokenCall call, Map<String, ?> fields) {
        if (fields == null) {
            throw malformed("the response body is not a JSON object");
        }
        AccessToken access = new AccessToken(requireSecret(fields, "access_token"));

        Object typeRaw = fields.get("token_type");
        String type = "bearer";
        if (typeRaw != null) {
            if (!(typeRaw instanceof String t) || !t.equalsIgnoreCase("bearer")) {
                throw malformed("token_type is not \"bearer\"");
            }
        }

        Optional<Instant> fromJwt = jwtExpiry(access);
        Object expiresRaw = fields.get("expires");
        Instant expiresAt;
        if (expiresRaw == null) {
            expiresAt = fromJwt.orElseThrow(
                    () -> malformed("expires is missing and the access token carries no exp claim"));
        } else {
            expiresAt = parseExpires(expiresRaw);
            if (fromJwt.isPresent()
                    && Duration.between(fromJwt.get(), expiresAt).abs().compareTo(EXPIRY_DISAGREEMENT) > 0
                    && fromJwt.get().isBefore(expiresAt)) {
                expiresAt = fromJwt.get();
            }
        }

        Optional<RefreshToken> refresh = Optional.empty();
        if (fields.get("refresh_token") != null || call == TokenCall.LOGIN) {
            refresh = Optional.of(new RefreshToken(requireSecret(fields, "refresh_token")));
        }
        return new TokenGrant(access, type, expiresAt, refresh);
    }

    /**
     * Classifies a non-200 answer to a token call.
     *
     * <ul>
     *   <li>{@code error} of {@code temporarily_unavailable} or {@code server_error}, 408, 425, 429 and
     *       5xx: {@link Failure.Unavailable}, with the {@code Retry-After} delay.
     *   <li>{@code invalid_grant}, {@code invalid_client}, {@code unauthorized_client}, 400 without a
     *       known code, 401 and 403: {@link Failure.Rejected} of the call's subject (the credential for
     *       a login, the refresh token for a refresh).
     *   <li>{@code invalid_request}, {@code unsupported_grant_type}, and any other status (a wrong
     *       URL, method or media type, a redirect): {@link Failure.Rejected} of the request.
     * </ul>
     *
     * @param oauthError the RFC 6749 {@code error} code, when the body was an OAuth error
     * @param description the RFC 6749 {@code error_description}, shown shortened; an OAuth error body
     *     holds no secret
     */
    public static Failure classify(
            TokenCall call, int status, Optional<String> oauthError, Optional<String> description, Optional<Duration> retryAfter) {
        Optional<String> code = oauthError.map(c -> c.strip().toLowerCase(Locale.ROOT)).filter(c -> !c.isEmpty())
                .map(TokenResponses::printable);
        String said = description.map(TokenResponses::printable).filter(d -> !d.isBlank())
                .map(d -> " (" + d + ")").orElse("");
        OptionalInt st = OptionalInt.of(status);
        String where = call == TokenCall.LOGIN ? "login" : "refresh";
        if (code.isPresent() && TRANSIENT_ERRORS.contains(code.get())
                || status == 408 || status == 425 || status == 429 || status >= 500) {
            return new Failure.Unavailable(st, retryAfter, where + " answered HTTP " + status + said);
        }
        if (code.isPresent() && REQUEST_ERRORS.contains(code.get())) {
            return new Failure.Rejected(Failure.Subject.REQUEST, st, code, where + " request refused" + said);
        }
        if (code.isPresent() && PERMANENT_CLIENT_ERRORS.contains(code.get())
                || status == 400 || status == 401 || status == 403) {
            String what = call == TokenCall.LOGIN ? "the API credential was refused" : "the refresh token was refused";
            return new Failure.Rejected(call.rejectedSubject(), st, code, what + said);
        }
        String hint = status == 404 ? ": check the base URL"
                : status >= 300 && status < 400 ? ": unexpected redirect, check the base URL" : "";
        return new Failure.Rejected(Failure.Subject.REQUEST, st, code, where + " answered HTTP " + status + hint + said);
    }

    /**
     * Reads a {@code Retry-After} header: delay-seconds or an HTTP-date.
     *
     * @return the delay from {@code now}, zero for a date in the past, empty when absent or unreadable
     */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.strip();
        if (h.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String digits = h.replaceFirst("^0+(?=.)", ""); // leading zeros are legal delay-seconds
            if (digits.length() > 9) {
                return Optional.of(Duration.ofSeconds(999_999_999L));
            }
            return Optional.of(Duration.ofSeconds(Long.parseLong(digits)));
        }
        try {
            Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String requireSecret(Map<String, ?> fields, String name) {
        Object v = fields.get(name);
        if (v == null) {
            throw malformed(name + " is missing");
        }
        if (!(v instanceof String s)) {
            throw malformed(name + " must be a string, got " + jsonType(v));
        }
        try {
            return Secrets.require(s, name);
        } catch (IllegalArgumentException e) {
            // the message names the field and the problem, never the value
            throw malformed(e.getMessage());
        }
    }

    private static String jsonType(Object v) {
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof Iterable) {
            return "an array";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * A server's text, shortened, without control characters, and with anything shaped like a token
     * (a long run of token characters) replaced: some servers echo the refused token in {@code
     * error_description}.
     */
    private static String printable(String s) {
        String scrubbed = TOKEN_LIKE.matcher(s).replaceAll("[redacted]");
        String cut = scrubbed.length() > 200 ? scrubbed.substring(0, 200) + "..." : scrubbed;
        return cut.replaceAll("\\p{Cc}", " ");
    }

    private static TokenException malformed(String detail) {
        return new TokenException(new Failure.Malformed(detail));
    }
}
