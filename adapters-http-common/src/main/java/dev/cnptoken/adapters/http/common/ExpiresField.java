package dev.cnptoken.adapters.http.common;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Reads FortiCNP's {@code expires} field: epoch milliseconds as a JSON number in any form ({@code
 * 1.585002361532E12}, {@code 1585002361532}, {@code 1585002361532.0}) or as a string holding such
 * a number, between {@link #EARLIEST_PLAUSIBLE_EXPIRY} and {@link #LATEST_PLAUSIBLE_EXPIRY}.
 */
final class ExpiresField {
    /** Expiry instants after this are treated as absurd: 2100-01-01T00:00:00Z. */
    static final Instant LATEST_PLAUSIBLE_EXPIRY = Instant.parse("2100-01-01T00:00:00Z");
    /**
     * Expiry instants before this are refused: 2001-09-09T01:46:40Z, 10^12 epoch milliseconds. Any
     * epoch-seconds value of this century falls below it, so a server that sends seconds gets a clear
     * error instead of tokens that look expired since 1970.
     */
    static final Instant EARLIEST_PLAUSIBLE_EXPIRY = Instant.ofEpochMilli(1_000_000_000_000L);

    /** The latest accepted instant, as epoch milliseconds. */
    static final BigDecimal LATEST_MILLIS = BigDecimal.valueOf(LATEST_PLAUSIBLE_EXPIRY.toEpochMilli());

    private static final BigDecimal EARLIEST_MILLIS = BigDecimal.valueOf(EARLIEST_PLAUSIBLE_EXPIRY.toEpochMilli());
    /** The plain JSON number grammar, which a numeric string must follow. */
    private static final Pattern NUMERIC = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private ExpiresField() {}

    /**
     * The expiry instant {@code raw} stands for; fractions of a millisecond are dropped.
     *
     * @param raw the decoded JSON value: a {@link Number} or a {@link String}
     * @throws TokenException with {@link Failure.Malformed} naming the field for anything else: null,
     *     empty, negative or zero, NaN, non-numeric, before {@link #EARLIEST_PLAUSIBLE_EXPIRY} (epoch
     *     seconds, most likely) or after {@link #LATEST_PLAUSIBLE_EXPIRY}; the message never quotes
     *     the value
     */
    static Instant parse(Object raw) {
        BigDecimal millis = asMillis(raw);
        // below 1 ms is "zero" after flooring; checking it first also keeps a tiny value with an
        // enormous negative exponent (1e-99999999) away from setScale, which would compute 10^n
        if (millis.compareTo(BigDecimal.ONE) < 0) {
            throw malformed("expires is not a positive epoch-milliseconds value");
        }
        if (millis.compareTo(EARLIEST_MILLIS) < 0) {
            throw malformed("expires is before " + EARLIEST_PLAUSIBLE_EXPIRY
                    + ": it looks like epoch seconds, epoch milliseconds expected");
        }
        if (millis.compareTo(LATEST_MILLIS) > 0) {
            throw malformed("expires is later than " + LATEST_PLAUSIBLE_EXPIRY + " (epoch milliseconds expected)");
        }
        return Instant.ofEpochMilli(millis.setScale(0, RoundingMode.FLOOR).longValueExact());
    }

    private static BigDecimal asMillis(Object raw) {
        if (raw == null) {
            throw malformed("expires is missing");
        }
        if (raw instanceof BigDecimal bd) {
            return bd;
        }
        if (raw instanceof BigInteger bi) {
            return new BigDecimal(bi);
        }
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            return BigDecimal.valueOf(((Number) raw).longValue());
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw malformed("expires is not a finite number");
            }
            // the decimal the value prints as: a float is not widened to its binary double value
            return new BigDecimal(raw.toString());
        }
        if (raw instanceof String str) {
            if (str.isEmpty()) {
                throw malformed("expires is an empty string");
            }
            if (str.length() > 64 || !NUMERIC.matcher(str).matches()) {
                throw malformed("expires is a string that is not a number");
            }
            try {
                return new BigDecimal(str);
            } catch (NumberFormatException e) {
                // an exponent beyond the int range, e.g. "1e99999999999"
                throw malformed("expires is a string that is not a usable number");
            }
        }
        throw malformed("expires must be a number or a numeric string, got " + JsonTypes.describe(raw));
    }

    private static TokenException malformed(String detail) {
        return new TokenException(new Failure.Malformed(detail));
    }
}
