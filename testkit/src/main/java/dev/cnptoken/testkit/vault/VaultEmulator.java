package dev.cnptoken.testkit.vault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A HashiCorp Vault HTTP API emulator: a real HTTP server on a free loopback port, written from
 * Vault's API documentation, for tests that drive a Vault client (the Vault Java Driver, curl, any
 * language's HTTP client) without a Vault binary.
 *
 * <p>What it speaks, under {@code /v1/}:
 *
 * <ul>
 *   <li>KV version 2 on each configured mount (default {@code secret}): {@code data/} read (also
 *       {@code ?version=n}), write with {@code options.cas}, soft delete; {@code metadata/} read,
 *       write ({@code cas_required}), delete and list ({@code LIST} or {@code GET ?list=true});
 *       {@code destroy/}.
 *   <li>{@code auth/approle/login}, {@code auth/token/lookup-self}, {@code auth/token/renew-self}
 *       (with {@code increment}, capped by the token's max TTL).
 *   <li>{@code sys/health} (200, or 503 when sealed), without a token.
 *   <li>Token TTLs measured on {@link #clock()}, which stands still until tests move it with
 *       {@link #advance(Duration)}.
 *   <li>A sealed mode ({@link #seal()}): every other request answers 503.
 *   <li>A lost answer ({@link #dropAnswerToNextWrite}): a write takes effect and its connection is
 *       closed without a response.
 *   <li>{@code X-Vault-Namespace}: each namespace declared in the builder has its own mounts, data,
 *       tokens and AppRoles; a token from the root namespace may act in every namespace.
 *   <li>Path policies: a token carries policy names; a policy is a list of path globs (Vault's
 *       {@code +} for one segment, a trailing {@code *} for any suffix) with capabilities ({@code
 *       create read update delete list deny}). The capabilities of all matching rules add up, and
 *       {@code deny} wins. The {@code root} policy allows everything.
 * </ul>
 *
 * Answers use Vault's JSON shapes ({@code data}, {@code auth}, {@code errors}) and status codes
 * (200, 204, 400 for a check-and-set mismatch, 403, 404, 503). Not emulated: leases of dynamic
 * secrets, response wrapping, other auth methods, KV version 1, sys endpoints other than health.
 *
 * <p>Thread-safe; every request is handled under one lock, so the KV store is linearizable.
 */
public final class VaultEmulator implements AutoCloseable {
    private static final Duration DEFAULT_MAX_TTL = Duration.ofHours(768);

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body
        // waits for the client's delayed ACK (about 40 ms on Linux) on every answer. Read once, when
        // the JDK's HttpServer is first used in this JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What an AppRole login needs. {@link #toString()} hides the secret id.
     *
     * @param roleId the role id
     * @param secretId the secret id
     */
    public record AppRoleCredentials(String roleId, String secretId) {
        public AppRoleCredentials {
            Objects.requireNonNull(roleId, "roleId == null");
            Objects.requireNonNull(secretId, "secretId == null");
        }

        @Override
        public String toString() {
            return "AppRoleCredentials[roleId=" + roleId + ", secretId=redacted]";
        }
    }

    private static final class EmuToken {
        final String id;
        final String accessor;
        final String namespace;
        final List<String> policies;
        final boolean renewable;
        final Duration ttl;
        final String path;
        final String role;
        final Instant issued;
        final Instant maxExpire;
        Instant expire;
        Instant lastRenewal;

        EmuToken(String namespace, List<String> policies, boolean renewable, Duration ttl, Duration maxTtl,
                String path, String role, Instant now) {
            this.id = "hvs." + randomHex(12);
            this.accessor = randomHex(12);
            this.namespace = namespace;
            this.policies = List.copyOf(policies);
            this.renewable = renewable;
            this.ttl = ttl;
            this.path = path;
            this.role = role;
            this.issued = now;
            this.maxExpire = ttl.isZero() ? null : now.plus(maxTtl);
            this.expire = ttl.isZero() ? null : min(now.plus(ttl), maxExpire);
        }

        boolean expiredAt(Instant now) {
            return expire != null && !now.isBefore(expire);
        }
    }

    /** A write whose answer is to be dropped, and what to do before dropping it. */
    private record DroppedAnswer(String pathSuffix, Runnable meanwhile) {}

    /** A request the emulator refuses with 400. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private record AppRole(String name, String namespace, String secretId, Duration ttl, Duration maxTtl,
            List<String> policies) {}

    private record Rule(Pattern path, Set<String> capabilities) {}

    /** A clock that stands still until a test moves it with advance(). */
    private static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now;
        private final ZoneId zone;

        ManualClock(AtomicReference<Instant> now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new ManualClock(now, z);
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private final Object lock = new Object();
    private final HttpServer server;
    private final ExecutorService executor;
    private final String address;
    private final AtomicReference<Instant> clockNow =
            new AtomicReference<>(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final Clock clock = new ManualClock(clockNow, ZoneOffset.UTC);
    private final Map<String, Map<String, KvMount>> mounts = new HashMap<>();
    private final Map<String, EmuToken> tokens = new HashMap<>();
    private final Map<String, List<Rule>> policies = new HashMap<>();
    private final Map<String, AppRole> appRoles = new HashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final String rootToken;
    private final AtomicReference<DroppedAnswer> dropNext = new AtomicReference<>();
    private volatile boolean sealed;
    private volatile boolean stopped;

    private VaultEmulator(Builder b) throws IOException {
        for (String ns : b.namespaces) {
            Map<String, KvMount> m = new LinkedHashMap<>();
            for (String mount : b.mounts) {
                m.put(mount, new KvMount(b.casRequired));
            }
            mounts.put(ns, m);
        }
        EmuToken root = new EmuToken("", List.of("root"), false, Duration.ZERO, Duration.ZERO, "auth/token/root",
                null, clock.instant());
        tokens.put(root.id, root);
        rootToken = root.id;
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (b.sslContext != null) {
            HttpsServer https = HttpsServer.create(bind, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(b.sslContext));
            server = https;
        } else {
            server = HttpServer.create(bind, 0);
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vault-emulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        address = (b.sslContext != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** An emulator with the defaults (one KV v2 mount {@code secret}, plain HTTP), started. */
    public static VaultEmulator start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of an emulator. */
    public static final class Builder {
        private final Set<String> mounts = new LinkedHashSet<>(List.of("secret"));
        private final Set<String> namespaces = new LinkedHashSet<>(List.of(""));
        private boolean casRequired;
        private SSLContext sslContext;

        private Builder() {}

        /** Adds a KV version 2 mount (in every namespace), e.g. {@code "kv"} or {@code "team/kv"}. */
        public Builder kvMount(String mount) {
            Objects.requireNonNull(mount, "mount == null");
            String m = trimSlashes(mount);
            if (m.isEmpty()) {
                throw new IllegalArgumentException("mount is empty");
            }
            mounts.add(m);
            return this;
        }

        /** Declares an Enterprise namespace, selected by the {@code X-Vault-Namespace} header. */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace == null");
            String ns = trimSlashes(namespace);
            if (ns.isEmpty()) {
                throw new IllegalArgumentException("namespace is empty");
            }
            namespaces.add(ns);
            return this;
        }

        /** Makes every KV mount require {@code options.cas} on writes ({@code cas_required}). */
        public Builder casRequired(boolean casRequired) {
            this.casRequired = casRequired;
            return this;
        }

        /** Serves HTTPS with the key and certificate of {@code sslContext} instead of plain HTTP. */
        public Builder https(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext == null");
            return this;
        }

        /** Binds a free loopback port and starts serving. */
        public VaultEmulator start() {
            try {
                return new VaultEmulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Vault emulator", e);
            }
        }
    }

    /** The base address, e.g. {@code http://127.0.0.1:41234} (what {@code VAULT_ADDR} would hold). */
    public String address() {
        return address;
    }

    /** A token with the {@code root} policy that never expires. */
    public String rootToken() {
        return rootToken;
    }

    /**
     * The emulator's clock: it starts at the wall-clock time of {@link Builder#start()} (whole
     * seconds) and stands still until {@link #advance} moves it, so TTLs in tests are exact.
     */
    public Clock clock() {
        return clock;
    }

    /** Moves the emulator's clock forward, e.g. to let a token's TTL run out. */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount == null");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("cannot move the clock back");
        }
        clockNow.updateAndGet(t -> t.plus(amount));
    }

    /**
     * Adds a rule to the policy {@code name} (creating it).
     *
     * @param pathGlob a path relative to the namespace, e.g. {@code secret/data/cnp-token/+/access}
     * @param capabilities any of {@code create read update delete list deny}
     */
    public void addPolicy(String name, String pathGlob, String... capabilities) {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(pathGlob, "pathGlob == null");
        Set<String> caps = new LinkedHashSet<>();
        for (String c : capabilities) {
            String cap = c.toLowerCase(Locale.ROOT);
            if (!Set.of("create", "read", "update", "delete", "list", "deny", "sudo").contains(cap)) {
                throw new IllegalArgumentException("unknown capability " + c);
            }
            caps.add(cap);
        }
        synchronized (lock) {
            policies.computeIfAbsent(name, k -> new ArrayList<>()).add(new Rule(glob(pathGlob), Set.copyOf(caps)));
        }
    }

    /** A renewable token in the root namespace with the given TTL (max TTL 768 h) and policies. */
    public String createToken(Duration ttl, String... policyNames) {
        return createToken("", ttl, DEFAULT_MAX_TTL, policyNames);
    }

    /**
     * A renewable token in {@code namespace} ({@code ""} for the root namespace).
     *
     * @param ttl its TTL; {@link Duration#ZERO} for a token that never expires
     * @param maxTtl how far renewals may extend it, counted from now
     */
    public String createToken(String namespace, Duration ttl, Duration maxTtl, String... policyNames) {
        String ns = knownNamespace(namespace);
        synchronized (lock) {
            EmuToken t = new EmuToken(ns, List.of(policyNames), true, ttl, maxTtl, "auth/token/create", null,
                    clock.instant());
            tokens.put(t.id, t);
            return t.id;
        }
    }

    /** Revokes a token: every later request with it is denied. */
    public void revokeToken(String token) {
        synchronized (lock) {
            tokens.remove(token);
        }
    }

    /** Revokes every token issued by logins with the AppRole {@code roleName}; returns how many. */
    public int revokeTokensOfRole(String roleName) {
        Objects.requireNonNull(roleName, "roleName == null");
        synchronized (lock) {
            int before = tokens.size();
            tokens.values().removeIf(t -> roleName.equals(t.role));
            return before - tokens.size();
        }
    }

    /** Defines an AppRole in the root namespace and returns a role id and a secret id for it. */
    public AppRoleCredentials addAppRole(String roleName, Duration tokenTtl, Duration tokenMaxTtl, String... policyNames) {
        return addAppRole("", roleName, tokenTtl, tokenMaxTtl, policyNames);
    }

    /**
     * Defines an AppRole in {@code namespace}; its logins issue renewable tokens with {@code
     * tokenTtl}, renewable up to {@code tokenMaxTtl} after login, carrying {@code default} and the
     * given policies.
     */
    public AppRoleCredentials addAppRole(String namespace, String roleName, Duration tokenTtl, Duration tokenMaxTtl,
            String... policyNames) {
        String ns = knownNamespace(namespace);
        Objects.requireNonNull(roleName, "roleName == null");
        if (tokenTtl.isZero() || tokenTtl.isNegative() || tokenMaxTtl.compareTo(tokenTtl) < 0) {
            throw new IllegalArgumentException("need 0 < tokenTtl <= tokenMaxTtl");
        }
        String roleId = java.util.UUID.randomUUID().toString();
        String secretId = java.util.UUID.randomUUID().toString();
        List<String> pols = new ArrayList<>();
        pols.add("default");
        pols.addAll(List.of(policyNames));
        synchronized (lock) {
            appRoles.put(roleId, new AppRole(roleName, ns, secretId, tokenTtl, tokenMaxTtl, List.copyOf(pols)));
        }
        return new AppRoleCredentials(roleId, secretId);
    }

    /**
     * Makes the next write (POST or PUT) whose path ends with {@code pathSuffix} take effect as
     * usual and then lose its answer: the connection is closed without a response, as when the
     * network or a load balancer drops it after Vault has committed. {@code meanwhile} runs after
     * the write took effect and before the connection closes (e.g. {@code vault::seal}, so that a
     * client's read-back fails too). Applies once; a new call replaces one not yet used.
     */
    public void dropAnswerToNextWrite(String pathSuffix, Runnable meanwhile) {
        Objects.requireNonNull(pathSuffix, "pathSuffix == null");
        Objects.requireNonNull(meanwhile, "meanwhile == null");
        dropNext.set(new DroppedAnswer(pathSuffix, meanwhile));
    }

    /** Whether the answer armed by {@link #dropAnswerToNextWrite} has been dropped. */
    public boolean droppedAnswer() {
        return dropNext.get() == null;
    }

    /** Seals: {@code sys/health} answers 503 with {@code "sealed": true}, everything else 503. */
    public void seal() {
        sealed = true;
    }

    public void unseal() {
        sealed = false;
    }

    /**
     * The requests served so far, one {@code "METHOD /v1/path"} line each (no query, headers or
     * bodies, so no secret).
     */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** How many served requests had exactly this {@code "METHOD /v1/path"} line. */
    public long count(String line) {
        return requests().stream().filter(line::equals).count();
    }

    /** Stops serving: the port is closed and connections fail. Idempotent. */
    public void stop() {
        if (!stopped) {
            stopped = true;
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "VaultEmulator[" + address + (sealed ? ", sealed" : "") + (stopped ? ", stopped" : "") + "]";
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange ex) throws IOException {
        Reply reply;
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = ex.getRequestURI().getPath();
            requests.add(method + " " + rawPath);
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            try {
                reply = route(method, rawPath, query(ex.getRequestURI().getRawQuery()), ex.getRequestHeaders().getFirst(
                        "X-Vault-Token"), ex.getRequestHeaders().getFirst("X-Vault-Namespace"), body);
            } catch (VaultJson.Invalid | ArithmeticException e) {
                reply = Reply.error(400, "failed to parse JSON input");
            } catch (BadRequest e) {
                reply = Reply.error(400, e.getMessage());
            } catch (RuntimeException e) {
                reply = Reply.error(500, "internal error in the emulator: " + e.getClass().getSimpleName());
            }
            DroppedAnswer drop = dropNext.get();
            if (drop != null && isWrite(method) && rawPath.endsWith(drop.pathSuffix())
                    && dropNext.compareAndSet(drop, null)) {
                drop.meanwhile().run();
                // closing the exchange before any response header makes the server close the connection
                return;
            }
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (reply.body() == null) {
                ex.sendResponseHeaders(reply.status(), -1);
                return;
            }
            byte[] out = VaultJson.write(reply.body()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(reply.status(), out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private Reply route(String method, String rawPath, Map<String, String> query, String tokenHeader,
            String namespaceHeader, byte[] body) {
        if (!rawPath.startsWith("/v1/")) {
            return Reply.error(404, "unsupported path");
        }
        String path = rawPath.substring(4);
        if (path.equals("sys/health")) {
            return health();
        }
        if (sealed) {
            return Reply.sealed();
        }
        String ns = namespaceHeader == null ? "" : trimSlashes(namespaceHeader);
        synchronized (lock) {
            Map<String, KvMount> nsMounts = mounts.get(ns);
            if (nsMounts == null) {
                return Reply.error(404, "no handler for route \"" + path + "\": namespace not found");
            }
            Instant now = clock.instant();
            if (path.equals("auth/approle/login")) {
                if (!isWrite(method)) {
                    return Reply.error(405);
                }
                return login(ns, parse(body), now);
            }
            EmuToken token = tokenHeader == null ? null : tokens.get(tokenHeader);
            if (token == null || token.expiredAt(now) || !(token.namespace.isEmpty() || token.namespace.equals(ns))) {
                return Reply.permissionDenied();
            }
            if (path.equals("auth/token/lookup-self")) {
                return lookup(token, now);
            }
            if (path.equals("auth/token/renew-self")) {
                if (!isWrite(method)) {
                    return Reply.error(405);
                }
                return renew(token, parse(body), now);
            }
            for (Map.Entry<String, KvMount> e : nsMounts.entrySet()) {
                String mount = e.getKey();
                if (path.startsWith(mount + "/")) {
                    return kv(token, method, query, mount, e.getValue(), path.substring(mount.length() + 1), body, now);
                }
            }
            if (!allowed(token, path, "read")) {
                return Reply.permissionDenied();
            }
            return Reply.error(404, "no handler for route \"" + path + "\". route entry not found.");
        }
    }

    private Reply kv(EmuToken token, String method, Map<String, String> query, String mount, KvMount kv, String rest,
            byte[] body, Instant now) {
        int slash = rest.indexOf('/');
        String op = slash < 0 ? rest : rest.substring(0, slash);
        String sub = slash < 0 ? "" : rest.substring(slash + 1);
        boolean list = method.equals("LIST") || (method.equals("GET") && "true".equals(query.get("list")));
        String secret = trimSlashes(sub);
        switch (op) {
            case "data" -> {
                String full = mount + "/data/" + secret;
                if (secret.isEmpty() || list) {
                    return Reply.error(405);
                }
                if (method.equals("GET")) {
                    return allowed(token, full, "read") ? kv.read(secret, longParam(query.get("version"))) : Reply.permissionDenied();
                }
                if (isWrite(method)) {
                    String cap = kv.exists(secret) ? "update" : "create";
                    return allowed(token, full, cap) ? kv.write(secret, parse(body), now) : Reply.permissionDenied();
                }
                if (method.equals("DELETE")) {
                    return allowed(token, full, "delete") ? kv.softDelete(secret, now) : Reply.permissionDenied();
                }
                return Reply.error(405);
            }
            case "metadata" -> {
                if (list) {
                    String folder = secret.isEmpty() ? "" : secret + "/";
                    return allowed(token, mount + "/metadata/" + folder, "list") ? kv.list(folder) : Reply.permissionDenied();
                }
                String full = mount + "/metadata/" + secret;
                if (secret.isEmpty()) {
                    return Reply.error(405);
                }
                if (method.equals("GET")) {
                    return allowed(token, full, "read") ? kv.readMetadata(secret) : Reply.permissionDenied();
                }
                if (isWrite(method)) {
                    String cap = kv.exists(secret) ? "update" : "create";
                    return allowed(token, full, cap) ? kv.writeMetadata(secret, parse(body), now) : Reply.permissionDenied();
                }
                if (method.equals("DELETE")) {
                    return allowed(token, full, "delete") ? kv.deleteMetadata(secret) : Reply.permissionDenied();
                }
                return Reply.error(405);
            }
            case "destroy" -> {
                if (!isWrite(method) || secret.isEmpty()) {
                    return Reply.error(405);
                }
                return allowed(token, mount + "/destroy/" + secret, "update") ? kv.destroy(secret, parse(body))
                        : Reply.permissionDenied();
            }
            default -> {
                return allowed(token, mount + "/" + rest, "read")
                        ? Reply.error(404, "no handler for route \"" + mount + "/" + rest + "\". route entry not found.")
                        : Reply.permissionDenied();
            }
        }
    }

    private Reply health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("initialized", true);
        m.put("sealed", sealed);
        m.put("standby", false);
        m.put("performance_standby", false);
        m.put("replication_performance_mode", "disabled");
        m.put("replication_dr_mode", "disabled");
        m.put("server_time_utc", clock.instant().getEpochSecond());
        m.put("version", "1.17.0+emulator");
        m.put("cluster_name", "vault-emulator");
        m.put("cluster_id", "00000000-0000-0000-0000-000000000000");
        return new Reply(sealed ? 503 : 200, m);
    }

    private Reply login(String ns, Map<String, Object> body, Instant now) {
        AppRole role = body.get("role_id") instanceof String id ? appRoles.get(id) : null;
        if (role == null || !role.namespace().equals(ns)) {
            return Reply.error(400, "invalid role or secret ID");
        }
        if (!(body.get("secret_id") instanceof String secret) || !secret.equals(role.secretId())) {
            return Reply.error(400, "invalid role or secret ID");
        }
        EmuToken t = new EmuToken(ns, role.policies(), true, role.ttl(), role.maxTtl(), "auth/approle/login", role.name(),
                now);
        tokens.put(t.id, t);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("role_name", role.name());
        return authReply(t, meta, null, now);
    }

    private Reply renew(EmuToken t, Map<String, Object> body, Instant now) {
        if (!t.renewable || t.expire == null) {
            return Reply.error(400, "lease is not renewable");
        }
        Duration increment = t.ttl;
        Object inc = body.get("increment");
        if (inc != null) {
            increment = duration(inc);
        }
        Instant wanted = now.plus(increment);
        Instant granted = min(wanted, t.maxExpire);
        t.expire = granted;
        t.lastRenewal = now;
        String warning = granted.isBefore(wanted)
                ? "TTL of \"" + increment.toSeconds() + "s\" exceeded the effective max_ttl of \""
                        + Duration.between(now, t.maxExpire).toSeconds() + "s\"; TTL value is capped accordingly"
                : null;
        return authReply(t, null, warning, now);
    }

    private Reply authReply(EmuToken t, Map<String, Object> metadata, String warning, Instant now) {
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("client_token", t.id);
        auth.put("accessor", t.accessor);
        auth.put("policies", t.policies);
        auth.put("token_policies", t.policies);
        auth.put("metadata", metadata);
        auth.put("lease_duration", remaining(t, now));
        auth.put("renewable", t.renewable);
        auth.put("entity_id", "");
        auth.put("token_type", "service");
        auth.put("orphan", true);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", java.util.UUID.randomUUID().toString());
        m.put("lease_id", "");
        m.put("renewable", false);
        m.put("lease_duration", 0L);
        m.put("data", null);
        m.put("wrap_info", null);
        m.put("warnings", warning == null ? null : List.of(warning));
        m.put("auth", auth);
        return new Reply(200, m);
    }

    private Reply lookup(EmuToken t, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("accessor", t.accessor);
        d.put("creation_time", t.issued.getEpochSecond());
        d.put("creation_ttl", t.ttl.toSeconds());
        d.put("display_name", t.path.startsWith("auth/approle") ? "approle" : "token");
        d.put("entity_id", "");
        d.put("expire_time", t.expire == null ? null : t.expire.toString());
        d.put("explicit_max_ttl", 0L);
        d.put("id", t.id);
        d.put("issue_time", t.issued.toString());
        if (t.lastRenewal != null) {
            d.put("last_renewal_time", t.lastRenewal.getEpochSecond());
        }
        d.put("meta", null);
        d.put("num_uses", 0L);
        d.put("orphan", true);
        d.put("path", t.path);
        d.put("policies", t.policies);
        d.put("renewable", t.renewable && t.expire != null);
        d.put("ttl", remaining(t, now));
        d.put("type", "service");
        return new Reply(200, KvMount.envelope(d));
    }

    private boolean allowed(EmuToken t, String path, String capability) {
        if (t.policies.contains("root")) {
            return true;
        }
        boolean granted = false;
        for (String name : t.policies) {
            for (Rule r : policies.getOrDefault(name, List.of())) {
                if (r.path().matcher(path).matches()) {
                    if (r.capabilities().contains("deny")) {
                        return false;
                    }
                    granted |= r.capabilities().contains(capability);
                }
            }
        }
        return granted;
    }

    // ---------------------------------------------------------------- helpers

    private String knownNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace == null");
        String ns = trimSlashes(namespace);
        synchronized (lock) {
            if (!mounts.containsKey(ns)) {
                throw new IllegalArgumentException("namespace \"" + ns + "\" was not declared in the builder");
            }
        }
        return ns;
    }

    private static long remaining(EmuToken t, Instant now) {
        return t.expire == null ? 0L : Math.max(0L, Duration.between(now, t.expire).toSeconds());
    }

    private static boolean isWrite(String method) {
        return method.equals("POST") || method.equals("PUT");
    }

    private static Map<String, Object> parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.isBlank() ? Map.of() : VaultJson.parseObject(text);
    }

    private static Long longParam(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long n = Long.parseLong(value);
            return n == 0 ? null : n;
        } catch (NumberFormatException e) {
            throw new BadRequest("bad version parameter");
        }
    }

    /** A Vault duration: a number of seconds, or a string such as {@code "90"}, {@code "90s"}, {@code "15m"}, {@code "1h"}. */
    private static Duration duration(Object value) {
        if (value instanceof BigDecimal n) {
            return Duration.ofSeconds(n.longValueExact());
        }
        String s = value.toString().trim();
        if (s.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        if (s.matches("\\d+[smh]")) {
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        throw new BadRequest("bad duration");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static Pattern glob(String pathGlob) {
        String g = trimLeadingSlash(pathGlob);
        boolean prefix = g.endsWith("*");
        if (prefix) {
            g = g.substring(0, g.length() - 1);
        }
        StringBuilder re = new StringBuilder();
        String[] parts = g.split("\\+", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append("[^/]+");
            }
            if (!parts[i].isEmpty()) {
                re.append(Pattern.quote(parts[i]));
            }
        }
        if (prefix) {
            re.append(".*");
        }
        return Pattern.compile(re.toString());
    }

    private static String trimLeadingSlash(String s) {
        return s.startsWith("/") ? s.substring(1) : s;
    }

    static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    private static Instant min(Instant a, Instant b) {
        return b == null || a.isBefore(b) ? a : b;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
