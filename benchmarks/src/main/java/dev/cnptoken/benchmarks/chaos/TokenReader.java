package dev.cnptoken.benchmarks.chaos;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.simulator.FortiCnpSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads each account's access token from Redis the way a consumer does ({@code HMGET
 * cnp:{<account>}:access access_token expires_at}) every period, judges it against the simulator's
 * own record at the moment it was read, uses it ({@code GET /api/v1/resourceURLMap}), and once a
 * second checks that the refresh side is still there and holds a refresh token the simulator
 * accepts. Counts what it saw per account; {@link #stop()} then makes the counts safe to read.
 */
final class TokenReader {
    /** A refresh side that stays unusable this long is an episode (a normal rotation is unusable for ms). */
    static final long DEAD_AFTER_MS = 3_000;
    /** Gaps longer than this are written to the event log. */
    private static final long GAP_LOGGED_MS = 1_000;
    private static final long REFRESH_CHECK_EVERY_MS = 1_000;

    private final FleetRedis redis;
    private final FortiCnpSimulator simulator;
    private final ChaosLog log;
    private final long periodMs;
    private final long hardStopMs;
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI resourceMap;
    private volatile boolean stopping;
    private Thread thread;

    /**
     * @param hardStopMs epoch ms after which the reader stops by itself, whatever the script does
     */
    TokenReader(FleetRedis redis, FortiCnpSimulator simulator, List<String> accounts, ChaosLog log, Duration period,
            long hardStopMs) {
        this.redis = Objects.requireNonNull(redis, "redis == null");
        this.simulator = Objects.requireNonNull(simulator, "simulator == null");
        this.log = Objects.requireNonNull(log, "log == null");
        this.periodMs = period.toMillis();
        this.hardStopMs = hardStopMs;
        this.resourceMap = URI.create(simulator.baseUrl() + "/api/v1/resourceURLMap");
        accounts.forEach(a -> watches.put(a, new Watch(a)));
    }

    /** What the reader saw of one account. Written by the reader thread only. */
    static final class Watch {
        final String account;
        long reads;
        long served;
        long usedOk;
        long invalidServed;
        long useRefused;
        long useFailed;
        long noToken;
        long storeDown;
        long lastValidMs;
        /** Whether a read since {@link #lastValidMs} found no valid token: a gap is open. */
        boolean missedSinceValid;
        long lastReadMs;
        long longestReadPauseMs;
        long longestGapMs;
        long longestGapEndMs;
        long nextRefreshCheckMs;
        /** Epoch ms since the refresh side has been unusable, or 0 while it is fine. */
        long deadSinceMs;
        String deadReason = "";
        boolean deadLogged;
        int episodes;
        int recovered;
        long longestDeadMs;

        Watch(String account) {
            this.account = account;
        }

        long gapAt(long nowMs) {
            return nowMs - lastValidMs;
        }
    }

    /**
     * One call with a token the simulator never issued, so the HTTP client is loaded and connected
     * before the window begins (its first call is slow); the answer (401) is not counted.
     */
    void warmUp() {
        try {
            http.send(HttpRequest.newBuilder(resourceMap).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer warm-up").GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the measured calls will show it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts reading; gaps count from {@code beginMs}. */
    synchronized void start(long beginMs) {
        if (thread != null) {
            return;
        }
        watches.values().forEach(w -> w.lastValidMs = beginMs);
        thread = new Thread(this::loop, "chaos-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops reading and waits for the last tick; the counts are final afterwards. */
    synchronized void stop() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join(10_000);
        }
    }

    /** The accounts' counts, in account order; read only after {@link #stop()}. */
    List<Watch> watches() {
        return List.copyOf(watches.values());
    }

    private void loop() {
        long next = System.currentTimeMillis();
        // bounded in count as well as time: never more ticks than the hard stop allows
        long maxTicks = Math.max(1, (hardStopMs - next) / periodMs + 1);
        for (long tick = 0; tick < maxTicks && !stopping && System.currentTimeMillis() < hardStopMs; tick++) {
            for (Watch w : watches.values()) {
                read(w);
                long now = System.currentTimeMillis();
                if (now >= w.nextRefreshCheckMs) {
                    w.nextRefreshCheckMs = now + REFRESH_CHECK_EVERY_MS;
                    checkRefreshSide(w, now);
                }
            }
            next += periodMs;
            long sleep = next - System.currentTimeMillis();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.currentTimeMillis();
            }
        }
        long end = System.currentTimeMillis();
        for (Watch w : watches.values()) {
            if (w.missedSinceValid) {
                noteGap(w, end, false); // a gap still open at the end lasts until the end
            }
        }
    }

    private void read(Watch w) {
        w.reads++;
        long readAt = System.currentTimeMillis();
        List<String> fields;
        try {
            fields = redis.access(w.account);
        } catch (JedisException e) {
            w.storeDown++;
            noteGap(w, System.currentTimeMillis(), false);
            return;
        }
        String token = fields.get(0);
        long expiresAt = parseLong(fields.get(1));
        if (token == null || expiresAt <= readAt) {
            w.noToken++;
            noteGap(w, System.currentTimeMillis(), false);
            return;
        }
        w.served++;
        Optional<AccessToken> parsed = parse(token);
        // Judged at the moment of reading, by the simulator's own record of what it issued.
        boolean live = parsed.isPresent() && simulator.isLive(parsed.get());
        if (!live) {
            w.invalidServed++;
            log.line(readAt, "INVALID token served: account " + w.account + " expires_at says "
                    + (expiresAt - readAt) / 1000 + " s left, the simulator does not accept it");
            noteGap(w, System.currentTimeMillis(), false);
            return;
        }
        if (use(w, parsed.get())) {
            w.usedOk++;
        }
        // valid from the moment it was read: a slow use is the reader's delay, not a gap in the fleet
        noteGap(w, readAt, true);
    }

    /** One authenticated call with the token; false (and counted) when FortiCNP refused it or did not answer. */
    private boolean use(Watch w, AccessToken token) {
        try {
            HttpRequest request = HttpRequest.newBuilder(resourceMap)
                    .timeout(Duration.ofSeconds(2))
                    .header("Authorization", "Bearer " + token.value())
                    .GET()
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                return true;
            }
            if (status == 401) {
                // live when read, refused when used: it ran out in between (a reader race, not the fleet's doing)
                w.useRefused++;
            } else {
                w.useFailed++;
            }
        } catch (IOException e) {
            w.useFailed++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
        return false;
    }

    /**
     * A gap runs from the last read that found a valid token to the next one, when at least one read
     * in between found none: two valid reads far apart are a pause of the reader, counted apart.
     */
    private void noteGap(Watch w, long at, boolean valid) {
        if (w.lastReadMs != 0) {
            w.longestReadPauseMs = Math.max(w.longestReadPauseMs, at - w.lastReadMs);
        }
        w.lastReadMs = at;
        if (!valid) {
            w.missedSinceValid = true;
        }
        if (w.missedSinceValid) {
            long gap = w.gapAt(at);
            if (gap > w.longestGapMs) {
                w.longestGapMs = gap;
                w.longestGapEndMs = at;
            }
            if (valid && gap > GAP_LOGGED_MS) {
                log.line(at, "gap: account " + w.account + " had no valid token for "
                        + String.format(java.util.Locale.ROOT, "%.1f", gap / 1000.0) + " s");
            }
        }
        if (valid) {
            w.missedSinceValid = false;
            w.lastValidMs = at;
        }
    }

    private void checkRefreshSide(Watch w, long now) {
        Map<String, String> side;
        try {
            side = redis.refreshSide(w.account);
        } catch (JedisException e) {
            return; // unknown while Redis is down: judged at the next check
        }
        String reason = unusable(side);
        if (reason.isEmpty()) {
            if (w.deadSinceMs != 0) {
                long dead = now - w.deadSinceMs;
                if (dead >= DEAD_AFTER_MS) {
                    w.episodes++;
                    w.recovered++;
                    w.longestDeadMs = Math.max(w.longestDeadMs, dead);
                    log.line(now, "refresh side of " + w.account + " usable again after "
                            + String.format(java.util.Locale.ROOT, "%.1f", dead / 1000.0) + " s");
                }
                w.deadSinceMs = 0;
                w.deadLogged = false;
            }
            return;
        }
        if (w.deadSinceMs == 0) {
            w.deadSinceMs = now;
            w.deadReason = reason;
        } else if (!w.deadLogged && now - w.deadSinceMs >= DEAD_AFTER_MS) {
            w.deadLogged = true;
            log.line(now, "refresh side of " + w.account + " unusable (" + reason + ") since "
                    + log.stamp(w.deadSinceMs));
        }
    }

    /**
     * Why no daemon can refresh this account from its refresh side alone, or "" when it can: the
     * record is gone, or holds no refresh token, or one the simulator no longer accepts.
     */
    String unusable(Map<String, String> side) {
        if (side.isEmpty()) {
            return "the refresh-side record is gone";
        }
        String rt = side.get("refresh_token");
        if (rt == null || rt.isBlank()) {
            return "the record holds no refresh token";
        }
        try {
            return simulator.isLive(new RefreshToken(rt)) ? "" : "the simulator no longer accepts its refresh token";
        } catch (IllegalArgumentException e) {
            return "the record holds a malformed refresh token";
        }
    }

    private static Optional<AccessToken> parse(String token) {
        try {
            return Optional.of(new AccessToken(token));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The refresh side of each account as it is now, with a retry, for the final verdict: account to reason ("" = fine). */
    Map<String, String> finalCheck() throws InterruptedException {
        Map<String, String> verdict = new LinkedHashMap<>();
        for (String account : watches.keySet()) {
            String reason = "Redis did not answer";
            // three looks a second apart: a rotation in flight is unusable for milliseconds only
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    reason = unusable(redis.refreshSide(account));
                } catch (JedisException e) {
                    reason = "Redis did not answer";
                }
                if (reason.isEmpty()) {
                    break;
                }
                Thread.sleep(1_000);
            }
            verdict.put(account, reason);
        }
        return verdict;
    }
}
