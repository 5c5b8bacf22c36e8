package dev.cnptoken.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name of one FortiCNP account managed by cnp-token, as chosen by the operator. It becomes part
 * of Redis keys, Vault paths and file names, so it is restricted to 1 to 64 characters of {@code
 * [A-Za-z0-9._-]}, starting with a letter or digit.
 *
 * @param name the account name
 */
public record AccountId(String name) implements Comparable<AccountId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public AccountId {
        Objects.requireNonNull(name, "account name == null");
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("account name must be 1-64 characters of [A-Za-z0-9._-]"
                    + " starting with a letter or digit, got \"" + printable(name) + "\"");
        }
    }

    /** Shorthand for {@code new AccountId(name)}. */
    public static AccountId of(String name) {
        return new AccountId(name);
    }

    /**
     * The account {@code name} names, or empty when it breaks the rules: for names read back from a
     * store (Redis keys, file names, Vault folders), which anyone with write access there can choose.
     */
    public static Optional<AccountId> parse(String name) {
        return name != null && VALID.matcher(name).matches() ? Optional.of(new AccountId(name)) : Optional.empty();
    }

    /**
     * {@code text} made safe for one log line: at most 80 characters, a backslash as {@code \\},
     * newline, carriage return and tab as {@code \n}, {@code \r}, {@code \t}, and other control or
     * non-ASCII characters as a backslash, {@code u} and four hex digits, so a name read from a store cannot forge a line.
     */
    public static String escaped(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > limit) {
            out.append("...");
        }
        return out.toString();
    }

    @Override
    public int compareTo(AccountId other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cc}", "?");
    }
}
