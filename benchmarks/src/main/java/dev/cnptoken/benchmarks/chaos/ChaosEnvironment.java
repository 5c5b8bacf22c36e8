package dev.cnptoken.benchmarks.chaos;

import dev.cnptoken.benchmarks.Harness;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.engine.EngineSettings;
import dev.cnptoken.simulator.FortiCnpFault;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs the FortiCNP side of {@code benchmarks/chaos/run.sh} and takes the measurements: a FortiCNP
 * simulator that rotates refresh tokens, behind a {@link FortiCnpGate} the daemons talk to, and a
 * {@link TokenReader} that uses the tokens the daemons keep in the script's redis-server; it takes
 * the script's chaos commands on standard input and ends with one summary line.
 *
 * <p>Prints {@code KEY=value} lines ({@code SIM_URL}, {@code GATE_URL}, {@code REDIS_PORT}, {@code
 * DAEMON_PORTS}: free loopback ports for the script), then {@code READY}. Commands, one a line:
 * {@code begin} (the measured window starts), {@code note TEXT} (a chaos event for the log), {@code
 * outage503 MS} (FortiCNP answers 503 to logins and refreshes for MS), {@code down MS} (the gate
 * refuses connections for MS), {@code hold ID DELAY_MS WAIT_MS} (delay the next refresh by DELAY_MS,
 * wait up to WAIT_MS for one to arrive, and answer {@code HOLDER ID <account> <lease owner>}, {@code
 * HOLDER ID none} or {@code HOLDER ID timeout}), {@code stop [FILE...]} (answer {@code SUMMARY ...},
 * which also says whether any token or the credential appears in the given log files, and exit).
 * Standard input closing, SIGTERM or the {@code --max-runtime} ending it stops everything too.
 *
 * <p>Options: {@code --accounts a,b}, {@code --credential-file F} (the credential the simulator
 * accepts; never printed), {@code --access-lifetime PT90S}, {@code --refresh-margin PT5M} (the
 * daemons' setting, for the ideal refresh count), {@code --daemons N}, {@code --events FILE},
 * {@code --with-credential true|false} (for the summary's wording), {@code --max-runtime PT30M}.
 */
public final class ChaosEnvironment {
    /** The engine caps the refresh margin at this fraction of an access token's lifetime (the daemons run the defaults). */
    private static final double MARGIN_FRACTION = EngineSettings.defaults().marginFraction();
    private static final int FAULTS_PER_OUTAGE = 10_000;

    private final FortiCnpSimulator simulator;
    private final FortiCnpGate gate;
    private final FleetRedis redis;
    private final TokenReader reader;
    private final ChaosLog log;
    private final Options options;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-timers");
        t.setDaemon(true);
        return t;
    });
    /** Runs {@code hold} commands, one at a time, beside the command loop. */
    private final java.util.concurrent.ExecutorService holds = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chaos-hold");
        t.setDaemon(true);
        return t;
    });
    /** The script's notes, in order: what the lost-state verdict points back to. */
    private final List<Note> notes = new ArrayList<>();
    private long beginMs;
    private long refreshesAtBegin;
    private long loginsAtBegin;

    private record Note(long atMs, String text) {}

    private record Options(List<String> accounts, Path credentialFile, Duration accessLifetime, Duration refreshMargin,
            int daemons, Path events, boolean withCredential, Duration maxRuntime) {}

    private ChaosEnvironment(Options o, int redisPort) throws IOException {
        this.options = o;
        this.log = new ChaosLog(o.events());
        ApiCredential credential = new ApiCredential(Files.readString(o.credentialFile(), StandardCharsets.UTF_8).strip());
        this.simulator = FortiCnpSimulator.builder()
                .credential(credential)
                .accessTokenLifetime(o.accessLifetime())
                .rotateRefreshTokens(true)
                .start();
        this.gate = FortiCnpGate.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), simulator.port()));
        this.redis = new FleetRedis(redisPort);
        long hardStop = System.currentTimeMillis() + o.maxRuntime().toMillis();
        this.reader = new TokenReader(redis, simulator, o.accounts(), log, Duration.ofMillis(200), hardStop);
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        int redisPort = Harness.freePort();
        ChaosEnvironment env = new ChaosEnvironment(o, redisPort);
        Runtime.getRuntime().addShutdownHook(new Thread(env::close, "chaos-stop"));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(o.maxRuntime().toMillis());
                System.err.println("chaos-env: --max-runtime " + o.maxRuntime() + " reached, stopping");
                System.exit(3);
            } catch (InterruptedException e) {
                // normal end
            }
        }, "chaos-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        StringJoiner ports = new StringJoiner(",");
        for (int i = 0; i < o.daemons(); i++) {
            ports.add(Integer.toString(Harness.freePort()));
        }
        env.reader.warmUp();
        System.out.println("SIM_URL=" + env.simulator.baseUrl());
        System.out.println("GATE_URL=http://127.0.0.1:" + env.gate.port());
        System.out.println("REDIS_PORT=" + redisPort);
        System.out.println("DAEMON_PORTS=" + ports);
        System.out.println("READY");
        System.out.flush();
        env.commands(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        System.exit(0);
    }

    private void commands(BufferedReader in) throws IOException, InterruptedException {
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.strip().split(" ", 2);
            String rest = w.length > 1 ? w[1] : "";
            long now = System.currentTimeMillis();
            switch (w[0]) {
                case "" -> { }
                case "begin" -> begin(now);
                case "note" -> {
                    synchronized (notes) {
                        notes.add(new Note(now, rest));
                    }
                    log.line(now, "chaos: " + rest);
                }
                case "outage503" -> outage503(now, Long.parseLong(rest.strip()));
                case "down" -> down(now, Long.parseLong(rest.strip()));
                case "hold" -> {
                    // on its own thread: it waits for a refresh, and the script's notes must be stamped meanwhile
                    String[] holdArgs = rest.split(" ");
                    holds.execute(() -> {
                        try {
                            hold(holdArgs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                case "stop" -> {
                    String summary = summary();
                    reply("SUMMARY " + summary + " | " + leaks(rest.isBlank() ? List.of() : List.of(rest.strip().split(" "))));
                    return;
                }
                default -> System.err.println("chaos-env: unknown command " + w[0]);
            }
        }
    }

    private void begin(long now) {
        beginMs = now;
        refreshesAtBegin = simulator.grantCount(Endpoint.REFRESH);
        loginsAtBegin = simulator.grantCount(Endpoint.LOGIN);
        log.begin(now);
        reader.start(now);
        reply("OK begin");
    }

    private void outage503(long now, long millis) {
        FortiCnpFault unavailable = FortiCnpFault.htmlErrorPage(503);
        simulator.injectFault(Endpoint.LOGIN, unavailable, FAULTS_PER_OUTAGE);
        simulator.injectFault(Endpoint.REFRESH, unavailable, FAULTS_PER_OUTAGE);
        log.line(now, "FortiCNP answers 503 to logins and refreshes for " + millis + " ms");
        timers.schedule(() -> {
            simulator.clearFaults();
            log.line(System.currentTimeMillis(), "FortiCNP answers normally again");
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void down(long now, long millis) {
        gate.down();
        log.line(now, "FortiCNP unreachable (connection refused, open connections cut) for " + millis + " ms");
        timers.schedule(() -> {
            try {
                gate.up();
                log.line(System.currentTimeMillis(), "FortiCNP reachable again on the same port");
            } catch (IOException e) {
                log.line(System.currentTimeMillis(), "FortiCNP gate could not listen again: " + e.getClass().getSimpleName());
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Delays the next refresh and names the instance holding a lease while it hangs. */
    private void hold(String[] args) throws InterruptedException {
        String id = args[0];
        long delay = Long.parseLong(args[1]);
        long wait = Long.parseLong(args[2]);
        simulator.injectFault(Endpoint.REFRESH, FortiCnpFault.delay(Duration.ofMillis(delay)));
        log.line(System.currentTimeMillis(), "the next refresh will hang " + delay + " ms before FortiCNP processes it");
        long until = System.currentTimeMillis() + wait;
        while (simulator.pendingFaults(Endpoint.REFRESH) > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        if (simulator.pendingFaults(Endpoint.REFRESH) > 0) {
            simulator.clearFaults();
            log.line(System.currentTimeMillis(), "no refresh came within " + wait + " ms; the delay is withdrawn");
            reply("HOLDER " + id + " timeout");
            return;
        }
        // the refresh is hanging now; its caller took the lease before calling
        long now = System.currentTimeMillis();
        String holder = "none";
        long latest = 0;
        for (String account : options.accounts()) {
            try {
                Map<String, String> side = redis.refreshSide(account);
                String owner = side.get("lease_owner");
                long leaseUntil = parseLong(side.get("lease_until"));
                if (owner != null && leaseUntil > now && leaseUntil > latest && !owner.contains(" ")) {
                    latest = leaseUntil;
                    holder = account + " " + owner;
                }
            } catch (JedisException e) {
                // Redis down right now: no holder found
            }
        }
        log.line(now, "a refresh hangs in FortiCNP; lease holder: " + holder);
        reply("HOLDER " + id + " " + holder);
    }

    private String summary() throws InterruptedException {
        long end = System.currentTimeMillis();
        reader.stop();
        Map<String, String> verdict = reader.finalCheck();
        List<TokenReader.Watch> watches = reader.watches();
        long reads = 0, served = 0, usedOk = 0, invalid = 0, noToken = 0, storeDown = 0, refused = 0, useFailed = 0;
        int episodes = 0, recovered = 0;
        long longestDead = 0;
        long readerPause = 0;
        TokenReader.Watch worst = watches.get(0);
        for (TokenReader.Watch w : watches) {
            reads += w.reads;
            served += w.served;
            usedOk += w.usedOk;
            invalid += w.invalidServed;
            noToken += w.noToken;
            storeDown += w.storeDown;
            refused += w.useRefused;
            useFailed += w.useFailed;
            episodes += w.episodes;
            recovered += w.recovered;
            longestDead = Math.max(longestDead, w.longestDeadMs);
            readerPause = Math.max(readerPause, w.longestReadPauseMs);
            if (w.longestGapMs > worst.longestGapMs) {
                worst = w;
            }
        }
        List<String> lost = new ArrayList<>();
        for (TokenReader.Watch w : watches) {
            String reason = verdict.get(w.account);
            if (!reason.isEmpty()) {
                long since = w.deadSinceMs == 0 ? end : w.deadSinceMs;
                if (w.deadSinceMs != 0 && end - w.deadSinceMs >= TokenReader.DEAD_AFTER_MS) {
                    episodes++; // still unusable at the end: an episode that never recovered
                    longestDead = Math.max(longestDead, end - w.deadSinceMs);
                }
                lost.add(w.account + ": " + reason + " since " + log.stamp(since) + after(w.account, since)
                        + (options.withCredential() ? "" : "; no credential to log in again, a human must run login"));
            }
        }
        double seconds = (end - beginMs) / 1000.0;
        double lifetime = options.accessLifetime().toMillis() / 1000.0;
        double margin = Math.min(options.refreshMargin().toMillis() / 1000.0, lifetime * MARGIN_FRACTION);
        int accounts = watches.size();
        double ideal = seconds / (lifetime - margin) * accounts;
        long refreshes = simulator.grantCount(Endpoint.REFRESH) - refreshesAtBegin;
        long logins = simulator.grantCount(Endpoint.LOGIN) - loginsAtBegin;
        log.line(end, "window ends");
        return String.format(Locale.ROOT,
                "tokens read %d of %d reads (used OK %d, refused in use %d, use failed %d), invalid tokens served %d,"
                        + " no token %d, Redis unreachable %d | longest gap without a valid token %.1f s (%s;"
                        + " longest pause of the reader itself %.1f s)"
                        + " | refreshes %d + logins %d vs ideal %.1f (%.0f s / (%.0f s - %.0f s margin) x %d accounts)"
                        + " | lost states %d%s | refresh side unusable >= %d s: %d times, %d recovered, longest %.1f s",
                served, reads, usedOk, refused, useFailed, invalid, noToken, storeDown,
                worst.longestGapMs / 1000.0,
                worst.longestGapMs == 0 ? "none" : worst.account + ", ending " + log.stamp(worst.longestGapEndMs),
                readerPause / 1000.0,
                refreshes, logins, ideal, seconds, lifetime, margin, accounts,
                lost.size(), lost.isEmpty() ? "" : " [" + String.join("; ", lost) + "]",
                TokenReader.DEAD_AFTER_MS / 1000, episodes, recovered, longestDead / 1000.0);
    }

    /**
     * How many of {@code files} contain a token the simulator issued or the API credential: the
     * fleet's logs must hold none, whatever happened to it.
     */
    private String leaks(List<String> files) {
        java.util.Set<String> secrets = new java.util.HashSet<>(simulator.issuedSecrets());
        try {
            secrets.add(Files.readString(options.credentialFile(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            // the credential file is the script's; without it only the tokens are looked for
        }
        List<String> leaking = new ArrayList<>();
        long bytes = 0;
        for (String f : files) {
            try {
                String text = Files.readString(Path.of(f), StandardCharsets.UTF_8);
                bytes += text.length();
                if (secrets.stream().anyMatch(text::contains)) {
                    leaking.add(Path.of(f).getFileName().toString());
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                leaking.add(Path.of(f).getFileName() + " (unreadable: " + e.getClass().getSimpleName() + ")");
            }
        }
        return String.format(Locale.ROOT, "secrets in logs: %d of %d files (%d issued secrets searched in %d kB)%s",
                leaking.size(), files.size(), secrets.size(), bytes / 1024,
                leaking.isEmpty() ? "" : " [" + String.join(", ", leaking) + "]");
    }

    /** ", after '<note>' at <stamp>": the last chaos note before {@code atMs}, preferring one naming the account. */
    private String after(String account, long atMs) {
        synchronized (notes) {
            Note any = null;
            Note named = null;
            for (Note n : notes) {
                if (n.atMs() > atMs) {
                    break;
                }
                any = n;
                if (n.text().contains(account)) {
                    named = n;
                }
            }
            Note n = named != null ? named : any;
            return n == null ? "" : ", after '" + n.text() + "' at " + log.stamp(n.atMs());
        }
    }

    private static synchronized void reply(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private synchronized void close() {
        timers.shutdownNow();
        holds.shutdownNow();
        gate.close();
        simulator.close();
        redis.close();
        log.close();
    }

    private static Options parse(String[] args) {
        List<String> accounts = List.of("chaos-1");
        Path credentialFile = null;
        Duration lifetime = Duration.ofSeconds(90);
        Duration margin = Duration.ofMinutes(5);
        int daemons = 3;
        Path events = Path.of("chaos-events.log");
        boolean withCredential = true;
        Duration maxRuntime = Duration.ofMinutes(30);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--accounts" -> accounts = List.of(Harness.value(args, ++i).split(","));
                case "--credential-file" -> credentialFile = Path.of(Harness.value(args, ++i));
                case "--access-lifetime" -> lifetime = Duration.parse(Harness.value(args, ++i));
                case "--refresh-margin" -> margin = Duration.parse(Harness.value(args, ++i));
                case "--daemons" -> daemons = Integer.parseInt(Harness.value(args, ++i));
                case "--events" -> events = Path.of(Harness.value(args, ++i));
                case "--with-credential" -> withCredential = Boolean.parseBoolean(Harness.value(args, ++i));
                case "--max-runtime" -> maxRuntime = Duration.parse(Harness.value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (credentialFile == null) {
            throw new IllegalArgumentException("--credential-file is required");
        }
        if (daemons < 1 || daemons > 32) {
            throw new IllegalArgumentException("--daemons must be 1..32");
        }
        accounts.forEach(dev.cnptoken.domain.AccountId::of);
        return new Options(List.copyOf(accounts), credentialFile, lifetime, margin, daemons, events, withCredential,
                maxRuntime);
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

}
