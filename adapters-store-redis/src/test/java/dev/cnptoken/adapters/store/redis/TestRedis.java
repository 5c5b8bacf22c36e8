package dev.cnptoken.adapters.store.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the static binary shipped in org.signal:embedded-redis) on a free loopback
 * port. With {@code durable}, data goes to an append-only file that survives {@link #restart()}.
 */
final class TestRedis implements AutoCloseable {
    private final int port;
    private final List<String> settings;
    private final Path dir;
    private RedisServer server;

    private TestRedis(boolean durable, List<String> extraSettings) {
        this.port = freePort();
        try {
            this.dir = Files.createTempDirectory("cnp-redis-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> s = new ArrayList<>();
        s.add("bind 127.0.0.1");
        s.add("dir " + dir);
        s.add("save \"\"");
        if (durable) {
            s.add("appendonly yes");
            s.add("appendfsync always");
        } else {
            s.add("appendonly no");
        }
        s.addAll(extraSettings);
        this.settings = List.copyOf(s);
    }

    static TestRedis start() {
        return start(false);
    }

    static TestRedis start(boolean durable, String... extraSettings) {
        TestRedis redis = new TestRedis(durable, List.of(extraSettings));
        redis.startServer();
        return redis;
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The server's working directory: its append-only files, when durable. */
    Path dir() {
        return dir;
    }

    boolean isRunning() {
        return server != null && server.isActive();
    }

    void ensureRunning() {
        if (!isRunning()) {
            startServer();
        }
    }

    void stop() {
        if (server != null && server.isActive()) {
            server.stop();
        }
    }

    void restart() {
        stop();
        startServer();
    }

    /** A plain client as the default user, as an operator or a non-Java consumer would use. */
    RedisClient admin() {
        return RedisClient.create("127.0.0.1", port);
    }

    /** A plain client logged in as {@code user}. */
    RedisClient as(String user, String password) {
        return RedisClient.builder()
                .hostAndPort(new HostAndPort("127.0.0.1", port))
                .clientConfig(DefaultJedisClientConfig.builder().user(user).password(password).build())
                .build();
    }

    /** Runs {@code ACL SETUSER name rules...}. */
    void aclSetUser(String name, String... rules) {
        try (Jedis admin = new Jedis("127.0.0.1", port)) {
            admin.aclSetUser(name, rules);
        }
    }

    private void startServer() {
        var builder = RedisServer.builder().port(port);
        for (String setting : settings) {
            builder.setting(setting);
        }
        server = builder.build();
        server.start();
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
