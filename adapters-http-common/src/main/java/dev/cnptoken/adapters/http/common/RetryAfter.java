package dev.cnptoken.adapters.http.common;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads a {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
final class RetryAfter {
    /** Delays of more than nine digits of seconds are capped to this (about 31 years). */
    static final Duration LONGEST = Duration.ofSeconds(999_999_999L);

    private RetryAfter() {}

    /**
     * @param header the header's value, or null
     * @return the delay from {@code now}, zero for a date in the past, empty when absent or unreadable
     */
    static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.strip();
        if (h.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String digits = h.replaceFirst("^0+(?=.)", ""); // leading zeros are legal delay-seconds
            if (digits.length() > 9) {
                return Optional.of(LONGEST);
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
}
