package dev.cnptoken.domain;

import java.util.Objects;
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
