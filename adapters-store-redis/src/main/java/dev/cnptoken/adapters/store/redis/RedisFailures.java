package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.Failure.StoreFailure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Translates Jedis exceptions into {@link TokenException}s. Redis error replies are reduced to their
 * error code (the first word): a reply such as "unknown command ..., with args beginning with ..."
 * can echo arguments, and arguments can be tokens, so the rest of a reply never reaches a message.
 */
final class RedisFailures {
    private static final Pattern ERROR_CODE = Pattern.compile("^([A-Z][A-Z_]{1,30})\\b");
    private static final Pattern PERMISSION_CODE = Pattern.compile("\\b(NOPERM|NOAUTH|WRONGPASS)\\b");
    /** How Redis 7 words an ACL refusal of a command or key inside a script (with the code ERR). */
    private static final String SCRIPT_ACL_REFUSAL = "user executing the script can't";

    private RedisFailures() {}

    /** Whether the failure happened while the connection or the network were in doubt. */
    static boolean isConnectionLoss(JedisException e) {
        return e instanceof JedisConnectionException || e instanceof JedisClusterOperationException;
    }

    /**
     * Whether the command certainly never reached Redis: no connection could be opened or borrowed.
     * A failure after that point (reset, end of stream, read timeout) leaves the outcome open.
     */
    static boolean certainlyNotSent(Throwable e) {
        return notSent(e, 0);
    }

    private static boolean notSent(Throwable t, int depth) {
        if (t == null || depth > 8) {
            return false;
        }
        if (isRefusal(t) || t instanceof NoSuchElementException || t instanceof JedisAccessControlException) {
            return true; // refused, unresolvable, pool exhausted, or refused during the handshake
        }
        // Jedis reports a failed connect as "Failed to connect to ..." with the socket errors attached
        // as suppressed exceptions. Only direct, socket-level ones count: a suppressed "could not return
        // the broken resource" can carry a refused reconnect although the command itself was sent.
        for (Throwable suppressed : t.getSuppressed()) {
            if (isRefusal(suppressed)) {
                return true;
            }
        }
        return t.getCause() != t && notSent(t.getCause(), depth + 1);
    }

    private static boolean isRefusal(Throwable t) {
        return t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException;
    }

    /**
     * The exception to throw for {@code e}.
     *
     * @param action what was being done, e.g. "read"
     * @param key the key (or key pattern) involved
     * @param who the endpoint and user, for the message
     */
    static TokenException translate(JedisException e, String action, String key, String who) {
        JedisAccessControlException denied = accessControl(e);
        if (denied != null) {
            return new TokenException(new StoreFailure(Reason.PERMISSION_DENIED,
                    "redis " + who + " refused to " + action + " key " + key + " (" + code(denied, "NOPERM") + ")"));
        }
        if (isConnectionLoss(e)) {
            // connection failures carry socket messages, never data: keep the cause for operators
            return new TokenException(new StoreFailure(Reason.UNAVAILABLE,
                    "redis " + who + " could not be reached to " + action + " key " + key + " (" + describe(e) + ")"), e);
        }
        if (e instanceof JedisDataException) {
            String code = code(e, "ERR");
            String message = e.getMessage() == null ? "" : e.getMessage();
            Matcher permission = PERMISSION_CODE.matcher(message);
            if (permission.find()) {
                return new TokenException(new StoreFailure(Reason.PERMISSION_DENIED,
                        "redis " + who + " refused to " + action + " key " + key + " (" + permission.group(1) + ")"));
            }
            if (message.contains(SCRIPT_ACL_REFUSAL)) {
                return new TokenException(new StoreFailure(Reason.PERMISSION_DENIED,
                        "redis " + who + " refused to " + action + " key " + key + " (NOPERM: the ACL does not allow a"
                                + " command or key the compare-and-set script uses)"));
            }
            if (code.equals("OOM") || message.contains("OOM command not allowed")) {
                return new TokenException(new StoreFailure(Reason.FULL,
                        "redis " + who + " is out of memory (maxmemory reached); could not " + action + " key " + key));
            }
            if (code.equals("WRONGTYPE")) {
                return new TokenException(new StoreFailure(Reason.CORRUPT,
                        "key " + key + " in redis " + who + " holds a value of another type than a hash"));
            }
            return new TokenException(new StoreFailure(Reason.UNAVAILABLE,
                    "redis " + who + " answered " + action + " of key " + key + " with error " + code));
        }
        return new TokenException(new StoreFailure(Reason.UNAVAILABLE,
                "redis " + who + " failed to " + action + " key " + key + " (" + e.getClass().getSimpleName() + ")"));
    }

    /**
     * A compare-and-set that was sent but whose outcome could not be learnt: {@code OUTCOME_UNKNOWN}.
     *
     * @param detail why it cannot be told, naming the key and the endpoint
     * @param cause the connection failure behind it, or null
     */
    static TokenException outcomeUnknown(String detail, Throwable cause) {
        StoreFailure f = new StoreFailure(Reason.OUTCOME_UNKNOWN, detail);
        return cause == null ? new TokenException(f) : new TokenException(f, cause);
    }

    static TokenException corrupt(String key, String who, String problem) {
        return new TokenException(new StoreFailure(Reason.CORRUPT,
                "key " + key + " in redis " + who + " cannot be read: " + problem));
    }

    static TokenException unavailable(String detail) {
        return new TokenException(new StoreFailure(Reason.UNAVAILABLE, detail));
    }

    /** A short description of a connection failure: exception types and socket-level messages only. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName();
        if (root != e) {
            return e.getClass().getSimpleName() + " caused by " + name;
        }
        return name;
    }

    private static JedisAccessControlException accessControl(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisAccessControlException a) {
                return a;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String code(Throwable e, String fallback) {
        String message = e.getMessage();
        if (message == null) {
            return fallback;
        }
        Matcher m = ERROR_CODE.matcher(message.strip());
        return m.find() ? m.group(1) : fallback;
    }
}
