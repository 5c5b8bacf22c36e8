package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.AccountId;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names the Redis keys of each account under one key prefix (a public contract, see
 * docs/store-redis.md): {@code <prefix>:{<account>}:access} and {@code <prefix>:{<account>}:refresh}.
 */
final class RedisKeys {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private final String prefix;

    RedisKeys(String prefix) {
        if (!PREFIX.matcher(prefix).matches() || prefix.endsWith(":")) {
            throw new IllegalArgumentException("key prefix must be 1-64 characters of [A-Za-z0-9._:-], start with a"
                    + " letter or digit and not end with ':', got \"" + RedisUri.printable(prefix) + "\"");
        }
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    String accessKey(AccountId account) {
        return prefix + ":{" + account.name() + "}:access";
    }

    String refreshKey(AccountId account) {
        return prefix + ":{" + account.name() + "}:refresh";
    }

    /** The SCAN pattern matching every refresh key under this prefix (the prefix has no glob characters). */
    String refreshKeyPattern() {
        return prefix + ":{*}:refresh";
    }

    /** The account a refresh key belongs to, or empty when the key is not one of ours. */
    Optional<AccountId> accountOf(String refreshKey) {
        String head = prefix + ":{";
        String tail = "}:refresh";
        if (!refreshKey.startsWith(head) || !refreshKey.endsWith(tail)
                || refreshKey.length() <= head.length() + tail.length()) {
            return Optional.empty();
        }
        return AccountId.parse(refreshKey.substring(head.length(), refreshKey.length() - tail.length()));
    }

}
