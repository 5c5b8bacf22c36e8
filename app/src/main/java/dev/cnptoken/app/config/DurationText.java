package dev.cnptoken.app.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration's duration syntax: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 8h}, {@code
 * 1d}, optionally signed, or ISO-8601 ({@code PT5M}); and the short form used in messages.
 */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("([+-]?\\d+)(ms|s|m|h|d)");

    private DurationText() {}

    /**
     * Parses a duration. A sign is accepted so that a negative value can be refused by its key's
     * bounds ("must be positive, got -5m") rather than as unreadable.
     *
     * @throws DateTimeParseException when the text is neither form
     * @throws ArithmeticException when the value does not fit a {@link Duration}
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text == null");
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new ArithmeticException("duration too long");
            }
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        return Duration.parse(t.toUpperCase(Locale.ROOT));
    }

    /** The shortest exact short form: {@code 1h}, {@code 90s}, {@code 250ms}. */
    public static String format(Duration d) {
        Objects.requireNonNull(d, "d == null");
        if (d.isZero()) {
            return "0s";
        }
        long ms;
        try {
            ms = d.toMillis();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (!Duration.ofMillis(ms).equals(d)) {
            return d.toString();
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
