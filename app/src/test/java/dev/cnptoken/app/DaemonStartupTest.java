package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.Sentinels;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * How {@code cnp-token run} starts: a listen address it cannot use is a configuration error (exit 3)
 * that names the setting and the address, and a store that is down at start delays the daemon only
 * until the store is back, for the configured accounts and the stored ones alike.
 */
class DaemonStartupTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long after the store returns both accounts must hold a token. Generous for a loaded machine,
     * and still shorter than the minute the daemon once waited before it looked at the store again.
     */
    private static final Duration BACK_IN_SERVICE = Duration.ofSeconds(45);
    private static final Pattern LISTENING = Pattern.compile("health and metrics on (http://127\\.0\\.0\\.1:\\d+)/healthz");

    @TempDir
    Path tmp;

    private final List<ChildCli> children = new ArrayList<>();
    private final List<RedisServer> redisServers = new ArrayList<>();
    private FortiCnpSimulator sim;

    @AfterEach
    void stopEverything() throws IOException {
        children.forEach(ChildCli::close);
        for (RedisServer r : redisServers) {
            if (r.isActive()) {
                r.stop();
            }
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aListenPortInUseExitsThreeNamingTheSettingAndTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();

            CliRunner.Result fromFlag = fileStore().run("run", "--listen", address);
            assertThat(fromFlag.exit()).as(fromFlag.err()).isEqualTo(3);
            assertThat(fromFlag.err()).contains("configuration").contains("listen").contains(address).containsIgnoringCase("in use")
                    .doesNotContain("internal error");

            CliRunner.Result fromConfig = fileStore().env("CNP_LISTEN", address).run("run");
            assertThat(fromConfig.exit()).as(fromConfig.err()).isEqualTo(3);
            assertThat(fromConfig.err()).contains("listen").contains(address).doesNotContain("internal error");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anUnresolvableListenHostExitsThreeNamingTheSettingAndTheHost() {
        CliRunner.Result fromFlag = fileStore().run("run", "--listen", "no-such-host.invalid:9464");
        assertThat(fromFlag.exit()).as(fromFlag.err()).isEqualTo(3);
        assertThat(fromFlag.err()).contains("listen").contains("no-such-host.invalid").doesNotContain("internal error");

        CliRunner.Result fromConfig = fileStore().env("CNP_LISTEN", "no-such-host.invalid:9464").run("run");
        assertThat(fromConfig.exit()).as(fromConfig.err()).isEqualTo(3);
        assertThat(fromConfig.err()).contains("listen").contains("no-such-host.invalid").doesNotContain("internal error");
    }

    @Test
    void aDaemonStartedWhileRedisIsDownServesTheConfiguredAndTheStoredAccountSoonAfterRedisReturns() throws Exception {
        ApiCredential credential = Sentinels.credential();
        sim = FortiCnpSimulator.builder().port(0).credential(credential).start();
        int redisPort = Loopback.freePort();
        Path redisDir = Files.createDirectories(tmp.resolve("redis"));
        String redisUrl = "redis://127.0.0.1:" + redisPort;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNP_BASE_URL", sim.baseUrl().toString());
        env.put("CNP_STORE", "redis");
        env.put("CNP_REDIS_URL", redisUrl);

        // "stored" is in Redis (logged in before, its credential not kept); Redis then goes down.
        startRedis(redisPort, redisDir);
        CliRunner login = new CliRunner();
        env.forEach(login::env);
        CliRunner.Result loggedIn = login.runWithInput(credential.value() + "\n", "login", "--account", "stored", "--credential-stdin");
        assertThat(loggedIn.exit()).as(loggedIn.err()).isZero();
        redisServers.get(0).stop();

        // "configured" is in the configuration only, with a credential to log in with.
        Map<String, String> daemonEnv = new LinkedHashMap<>(env);
        daemonEnv.put("CNP_ACCOUNTS", "configured");
        daemonEnv.put("CNP_CREDENTIAL_CONFIGURED", credential.value());
        daemonEnv.put("CNP_LISTEN", "127.0.0.1:0");
        ChildCli daemon = ChildCli.start(tmp, daemonEnv, null, "run");
        children.add(daemon);
        URI base = URI.create(daemon.awaitStderr(LISTENING, START_TIMEOUT)
                .orElseThrow(() -> new AssertionError("the daemon did not say where it listens; stderr:\n" + daemon.stderr()))
                .group(1));
        assertThat(daemon.awaitStderr(Pattern.compile("event=account_discovery_failed"), START_TIMEOUT))
                .as("the daemon tried the store while it was down; stderr:%n%s", daemon.stderr()).isPresent();

        startRedis(redisPort, redisDir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + BACK_IN_SERVICE.toNanos();
        Optional<HttpResponse<String>> health = Optional.empty();
        while (System.nanoTime() < deadline) {
            health = Loopback.get(http, base.resolve("/healthz"));
            if (health.filter(h -> h.statusCode() == 200 && h.body().contains("\"configured\":{\"valid\":true")
                    && h.body().contains("\"stored\":{\"valid\":true")).isPresent()) {
                break;
            }
            ChildCli.pause(250);
        }
        String seen = health.map(h -> h.statusCode() + " " + h.body()).orElse("no answer");
        assertThat(seen).as("/healthz once Redis is back; stderr:%n%s", daemon.stderr())
                .startsWith("200 ").contains("\"configured\":{\"valid\":true").contains("\"stored\":{\"valid\":true");

        Set<String> secrets = new HashSet<>(sim.issuedSecrets());
        secrets.add(credential.value());
        ChildCli.assertNoSecret("stderr of the daemon", daemon.stderr(), secrets);
        ChildCli.assertNoSecret("stdout of the daemon", daemon.stdout(), secrets);
        CliRunner.Result.assertNoSecret(loggedIn.err(), secrets);
    }

    private CliRunner fileStore() {
        return new CliRunner().env("CNP_STORE", "file").env("CNP_FILE_DIR", tmp.resolve("store").toString());
    }

    /** A real redis-server that keeps its data in {@code dir} across a stop and a start (append-only file). */
    private void startRedis(int port, Path dir) throws IOException {
        RedisServer redis = RedisServer.builder().port(port)
                .setting("bind 127.0.0.1")
                .setting("dir " + dir)
                .setting("save \"\"")
                .setting("appendonly yes")
                .setting("appendfsync always")
                .build();
        redisServers.add(redis);
        redis.start();
    }


}
