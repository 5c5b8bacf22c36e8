package dev.cnptoken.benchmarks.chaos;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads the fleet's records from the redis-server over one connection that is opened again after
 * every failure (the server is killed and restarted under it), in the layout of {@code
 * docs/store-redis.md}. Thread-safe: calls are serialised.
 */
final class FleetRedis implements AutoCloseable {
    private final HostAndPort address;
    /** Short timeouts: a reader that waits long on a dead server measures the wait, not the fleet. */
    private final JedisClientConfig config =
            DefaultJedisClientConfig.builder().connectionTimeoutMillis(500).socketTimeoutMillis(1_000).build();
    /** The open connection, or null after a failure until the next call. */
    private Jedis jedis;

    FleetRedis(int port) {
        this.address = new HostAndPort("127.0.0.1", port);
    }

    static String accessKey(String account) {
        return "cnp:{" + account + "}:access";
    }

    static String refreshKey(String account) {
        return "cnp:{" + account + "}:refresh";
    }

    /** {@code access_token} and {@code expires_at} of the access hash, each null when absent. */
    List<String> access(String account) {
        return call(j -> j.hmget(accessKey(account), "access_token", "expires_at"));
    }

    /** The whole refresh-side hash; empty when the key is gone. */
    Map<String, String> refreshSide(String account) {
        return call(j -> j.hgetAll(refreshKey(account)));
    }

    /** Runs {@code f} on the connection; throws the driver's exception and drops the connection on failure. */
    synchronized <T> T call(Function<Jedis, T> f) {
        try {
            if (jedis == null) {
                jedis = new Jedis(address, config);
            }
            return f.apply(jedis);
        } catch (JedisException e) {
            drop();
            throw e;
        }
    }

    private void drop() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is broken anyway
            }
            jedis = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
