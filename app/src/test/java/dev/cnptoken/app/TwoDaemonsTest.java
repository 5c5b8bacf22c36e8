package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.adapters.store.redis.RedisTokenStore;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.simulator.FortiCnpSimulator.RecordedRequest;
import dev.cnptoken.testkit.Sentinels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * Issue 5's replica test: two {@code cnp-token run} daemons, real processes (one per transport),
 * share one real redis-server and one FortiCNP simulator whose access tokens live 6 seconds, and are
 * watched for about four token lifetimes. Each due refresh of the shared account happens once (by
 * whichever daemon gets there first), both answer {@code /healthz} 200 throughout and {@code
 * /metrics} with the {@code cnp_token_} families, the token in Redis is always one FortiCNP accepts,
 * SIGTERM stops each daemon cleanly (status 143, {@code daemon_stopped}, a readable record, no lease
 * left), and no secret shows in any output.
 *
 * <p>Each daemon also keeps an account of its own, which it logs in and refreshes by itself: that
 * warms its refresh path before the watch starts. On a busy machine a cold JVM's first refresh can
 * take seconds, longer than the 1.2 s refresh margin a 6 s lifetime allows, which says nothing
 * about the steady state this test is about.
 */
class TwoDaemonsTest {
    private static final Duration LIFETIME = Duration.ofSeconds(6);
    /** How long both daemons are watched once they are up: about four lifetimes. */
    private static final Duration WATCH = Duration.ofSeconds(25);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Pattern LISTENING = Pattern.compile("health and metrics on (http://127\\.0\\.0\\.1:\\d+)/healthz");
    private static final AccountId ACME = AccountId.of("acme");

    @TempDir
    Path tmp;

    private final List<ChildCli> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RedisServer redis;
    private FortiCnpSimulator sim;
    private RedisTokenStore reader;

    @AfterEach
    void stopEverything() throws IOException {
        children.forEach(ChildCli::close);
        if (reader != null) {
            reader.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void twoDaemonsShareOneRedisRefreshEachDueTokenOnceAndStopCleanlyOnSigterm() throws Exception {
        int redisPort = Loopback.freePort();
        redis = RedisServer.builder().port(redisPort)
                .setting("bind 127.0.0.1")
                .setting("dir " + tmp)
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
        String redisUrl = "redis://127.0.0.1:" + redisPort;
        ApiCredential credential = Sentinels.credential();
        sim = FortiCnpSimulator.builder().port(0).accessTokenLifetime(LIFETIME).credential(credential).start();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNP_BASE_URL", sim.baseUrl().toString());
        env.put("CNP_STORE", "redis");
        env.put("CNP_REDIS_URL", redisUrl);
        env.put("CNP_EXPIRY_SKEW", "500ms");
        env.put("CNP_LISTEN", "127.0.0.1:0");

        start(env, credential.value() + "\n", "login", "--account", "acme", "--credential-stdin")
                .expectExit(0, START_TIMEOUT);
        reader = RedisTokenStore.builder().uri(redisUrl).keyPrefix("cnp").build();
        assertThat(reader.read(ACME)).as("login stored the account in Redis").isPresent();

        String acmeRefreshToken = reader.read(ACME).orElseThrow().state().refreshToken().value();

        // One daemon per transport: the replicas need not be identical. Besides the shared account,
        // each keeps one account of its own fresh (logging it in with its own credential setting):
        // that refresh warms the daemon's code paths, so the watch below measures steady state and
        // not a cold JVM's first refresh on a busy machine (which can take seconds).
        Map<String, String> envA = new LinkedHashMap<>(env);
        envA.put("CNP_TRANSPORT", "feign");
        envA.put("CNP_CREDENTIAL_WARM_A", credential.value());
        Map<String, String> envB = new LinkedHashMap<>(env);
        envB.put("CNP_TRANSPORT", "retrofit");
        envB.put("CNP_LOG_FORMAT", "json");
        envB.put("CNP_CREDENTIAL_WARM_B", credential.value());
        Instant daemonsStarted = sim.clock().instant();
        ChildCli a = start(envA, null, "run", "--account", "acme", "--account", "warm-a");
        ChildCli b = start(envB, null, "run", "--account", "acme", "--account", "warm-b");
        URI baseA = listening(a);
        URI baseB = listening(b);
        for (ChildCli daemon : List.of(a, b)) {
            String own = daemon == a ? "warm-a" : "warm-b";
            assertThat(daemon.awaitStderr(Pattern.compile("account=" + own + " event=refreshed"), START_TIMEOUT))
                    .as("'%s' refreshed its own account; stderr:%n%s", daemon.name(), daemon.stderr()).isPresent();
        }

        for (URI base : List.of(baseA, baseB)) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (get(base, "/healthz").map(HttpResponse::statusCode).orElse(0) != 200) {
                assertThat(System.nanoTime()).as("%s/healthz turns 200; stderr A:%n%s%nstderr B:%n%s", base, a.stderr(), b.stderr())
                        .isLessThan(deadline);
                ChildCli.pause(POLL.toMillis());
            }
        }

        // Watch both for several lifetimes: healthy throughout, the token in Redis always live.
        Instant watchStart = sim.clock().instant();
        List<String> problems = new ArrayList<>();
        Set<String> tokensSeen = new HashSet<>();
        int polls = 0;
        long end = System.nanoTime() + WATCH.toNanos();
        while (System.nanoTime() < end) {
            polls++;
            for (URI base : List.of(baseA, baseB)) {
                Optional<HttpResponse<String>> health = get(base, "/healthz");
                if (health.isEmpty() || health.get().statusCode() != 200) {
                    problems.add(sim.clock().instant() + " " + base + "/healthz: "
                            + health.map(r -> r.statusCode() + " " + r.body()).orElse("no answer"));
                }
            }
            TokenState stored = reader.read(ACME).orElseThrow().state();
            tokensSeen.add(stored.accessToken().value());
            if (!sim.isLive(stored.accessToken())) {
                problems.add(sim.clock().instant() + " the access token in Redis is not live at FortiCNP (expires "
                        + stored.accessExpiresAt() + ")");
            }
            ChildCli.pause(POLL.toMillis());
        }
        Instant watchEnd = sim.clock().instant();
        assertThat(problems).as("problems seen in %d polls; stderr A:%n%s%nstderr B:%n%s", polls, a.stderr(), b.stderr()).isEmpty();
        assertThat(a.isAlive() && b.isAlive()).isTrue();

        // /metrics on both: Prometheus text with the cnp_token_ families.
        double refreshedByDaemons = 0;
        for (URI base : List.of(baseA, baseB)) {
            HttpResponse<String> metrics = get(base, "/metrics").orElseThrow(() -> new AssertionError(base + "/metrics: no answer"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body())
                    .containsPattern("cnp_token_expiry_seconds\\{account=\"acme\",?\\} [0-9.]+")
                    .containsPattern("cnp_token_serving_stale\\{account=\"acme\",?\\} 0")
                    .containsPattern("cnp_token_refreshes_total\\{account=\"warm-[ab]\",result=\"refreshed\",?\\} [1-9]");
            Matcher refreshed = Pattern.compile("cnp_token_refreshes_total\\{account=\"acme\",result=\"refreshed\",?\\} ([0-9.]+)")
                    .matcher(metrics.body());
            if (refreshed.find()) {
                refreshedByDaemons += Double.parseDouble(refreshed.group(1));
            }
            ChildCli.assertNoSecret(base + "/metrics", metrics.body(), secrets(credential));
        }

        // Each due cycle produced exactly one refresh at FortiCNP.
        // Which account a refresh was for: its refresh_token field (the simulator does not rotate them).
        List<RecordedRequest> grants = sim.requests().stream()
                .filter(r -> r.status() == 200)
                .filter(r -> r.endpoint().equals(Optional.of(Endpoint.LOGIN)) && r.at().isBefore(daemonsStarted)
                        || r.endpoint().equals(Optional.of(Endpoint.REFRESH))
                                && r.formFields().getOrDefault("refresh_token", List.of()).equals(List.of(acmeRefreshToken)))
                .sorted(Comparator.comparing(RecordedRequest::at))
                .toList();
        assertThat(sim.grantCount(Endpoint.LOGIN)).as("one login for the shared account, one per daemon for its own").isEqualTo(3);
        assertThat(grants.get(0).endpoint()).hasValue(Endpoint.LOGIN);
        assertThat(sim.requestCount(Endpoint.REFRESH)).as("no refused or failed refresh").isEqualTo(sim.grantCount(Endpoint.REFRESH));
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < grants.size(); i++) {
            gaps.add(Duration.between(grants.get(i - 1).at(), grants.get(i).at()));
        }
        Duration minGap = LIFETIME.dividedBy(12).multipliedBy(5); // 2.5 s: a second refresh of the same token comes within ms
        assertThat(gaps).as("time between successive grants").allSatisfy(g -> assertThat(g).isGreaterThanOrEqualTo(minGap));
        List<Duration> watchedGaps = new ArrayList<>();
        for (int i = 1; i < grants.size(); i++) {
            if (!grants.get(i).at().isBefore(watchStart)) {
                watchedGaps.add(gaps.get(i - 1));
            }
        }
        assertThat(watchedGaps).as("a new token before the last one expired").allSatisfy(g -> assertThat(g).isLessThanOrEqualTo(LIFETIME));
        long refreshesInWatch = grants.stream().filter(g -> !g.at().isBefore(watchStart) && !g.at().isAfter(watchEnd)).count();
        Duration watched = Duration.between(watchStart, watchEnd);
        long lifetimesWatched = watched.toMillis() / LIFETIME.toMillis();
        assertThat(refreshesInWatch).as("refreshes in %s (%d lifetimes)", watched, lifetimesWatched)
                .isBetween(lifetimesWatched, watched.toMillis() / minGap.toMillis() + 1);
        assertThat(tokensSeen.size()).as("distinct tokens seen in Redis").isGreaterThanOrEqualTo((int) lifetimesWatched);
        assertThat(refreshedByDaemons).as("refreshes the daemons counted, together")
                .isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(grants.size() - 1);

        // SIGTERM: each stops cleanly, leaving a readable record with a live token.
        a.terminate();
        b.terminate();
        for (ChildCli daemon : List.of(a, b)) {
            daemon.expectExit(143, START_TIMEOUT);
            assertThat(daemon.stderr()).as("stderr of a daemon after SIGTERM").contains("daemon_stopped").doesNotContain("daemon_drain_timeout");
        }
        VersionedState last = reader.read(ACME).orElseThrow();
        assertThat(sim.isLive(last.state().accessToken())).as("the record left in Redis holds a live token").isTrue();
        assertThat(last.state().lease()).as("no lease left held").isEmpty();

        Set<String> secrets = secrets(credential);
        for (ChildCli c : children) {
            ChildCli.assertNoSecret("stdout of '" + c.name() + "'", c.stdout(), secrets);
            ChildCli.assertNoSecret("stderr of '" + c.name() + "'", c.stderr(), secrets);
        }
    }

    private Set<String> secrets(ApiCredential credential) {
        Set<String> secrets = new HashSet<>(sim.issuedSecrets());
        secrets.add(credential.value());
        return secrets;
    }

    private ChildCli start(Map<String, String> env, String stdin, String... args) {
        ChildCli child = ChildCli.start(tmp, env, stdin, args);
        children.add(child);
        return child;
    }

    private static URI listening(ChildCli daemon) {
        Matcher m = daemon.awaitStderr(LISTENING, START_TIMEOUT)
                .orElseThrow(() -> new AssertionError("'" + daemon.name() + "' did not say where it listens; stderr:\n" + daemon.stderr()));
        return URI.create(m.group(1));
    }

    private Optional<HttpResponse<String>> get(URI base, String path) {
        return Loopback.get(http, base.resolve(path));
    }

}
