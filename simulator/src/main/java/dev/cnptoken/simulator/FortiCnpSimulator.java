package dev.cnptoken.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FortiCNP authentication API on a real HTTP(S) server, for tests and demos. It plays the calls of
 * the FortiCNP contract as documented and is strict where a real OAuth server is strict:
 *
 * <ul>
 *   <li>{@code POST /api/v1/auth/credentials/token/} (with or without the trailing slash) needs
 *       {@code Authorization: Basic <credential>} with a credential it accepts and the form body
 *       {@code grant_type=client_credentials}; it answers with a JWT-shaped access token (HS256,
 *       {@code exp} in seconds), a refresh token, {@code token_type: "bearer"} and {@code expires}
 *       in epoch milliseconds written in exponent form ({@code 1.585002361532E12}).
 *   <li>{@code POST /api/v1/auth/token/refresh} needs {@code
 *       grant_type=refresh_token&refresh_token=...}; it refuses unknown, revoked and expired refresh
 *       tokens with 400 {@code invalid_grant}, and rotates the refresh token only when configured.
 *   <li>Wrong method: 405. Wrong content type: 415. Missing, repeated or extra form fields: 400
 *       {@code invalid_request}; a wrong {@code grant_type}: 400 {@code unsupported_grant_type}; a
 *       refused credential: 401 {@code invalid_client}.
 *   <li>{@code GET /api/v1/resourceURLMap} answers the resource map (the configured companies and
 *       role) only for a live access token, else 401.
 *   <li>{@code POST /api/v2/finding/list}, a data call, needs a live access token (else 401) and the
 *       {@code companyId} and {@code roleId} headers of the resource map (else 403); it answers a
 *       page ({@code skip}, {@code limit}) of synthetic findings.
 * </ul>
 *
 * Time comes from the {@link Clock} given to the builder (a {@link SteppingClock} lets a test make
 * tokens expire at once). Faults can be queued per endpoint ({@link #injectFault}); every request is
 * counted, by endpoint and by answered status, and logged ({@link #requests()}). Tokens and
 * credentials can be revoked while it runs.
 *
 * <p>The same controls are an admin HTTP API under {@code /_sim/} on the same server ({@link
 * #adminUrl()}): JSON in and out, answering loopback clients only unless built with {@link
 * AdminAccess#ANY}, or switched off with {@link AdminAccess#OFF}.
 *
 * <p>Start one with {@link #builder()}; from the command line, {@code cnp-token simulate} runs one.
 * Thread-safe. Closing stops the server at once. Loading or starting it changes no JVM-wide
 * setting (see {@link #NODELAY_PROPERTY}).
 *
 * <p>How later features fit: every call is routed to an {@link Endpoint} (a method and a path), and
 * each request to an endpoint passes one hook, {@code handle}, that counts it, takes the next
 * queued {@link FortiCnpFault} and waits for the fault's delay before the endpoint's own handler
 * runs. New endpoints (data calls such as {@code POST /api/v2/finding/list}) are new {@code
 * Endpoint} constants with a handler; a latency option is a builder setting applied in that hook;
 * the admin HTTP API is a second context on the same server ({@code AdminApi}) calling the Java
 * methods below ({@link #injectFault(Endpoint, FortiCnpFault, int)}, {@link #requestCount}, the
 * {@code revoke} methods).
 */
public final class FortiCnpSimulator implements AutoCloseable {
    /** Access-token lifetime unless configured: 30 minutes (FortiCNP only says "short-lived"). */
    public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(30);
    /** Refresh-token lifetime unless configured: 8 hours, as documented. */
    public static final Duration DEFAULT_REFRESH_TOKEN_LIFETIME = Duration.ofHours(8);
    /** The largest request body the simulator reads; larger ones get 413. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** How many requests the log keeps; older ones are dropped. */
    static final int MAX_LOGGED_REQUESTS = 10_000;
    /** How many issued secrets {@link #issuedSecrets()} remembers (the first ones). */
    static final int MAX_REMEMBERED_SECRETS = 100_000;
    /** Expired tokens are forgotten every this many issued tokens, so long runs stay bounded. */
    private static final int PRUNE_EVERY = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FortiCnpSimulator.class);

    /**
     * The JVM-wide switch of the JDK HTTP server for TCP_NODELAY. Without it every answer waits
     * ~40 ms for the client's delayed ACK (the server writes headers and body in separate
     * segments). The simulator never sets it itself: a process that wants low latency sets it
     * before the first JDK HTTP server starts ({@code cnp-token simulate}, the benchmarks and the
     * Maven test runs do).
     */
    public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    private static final String LOGIN_PATH = "/api/v1/auth/credentials/token";
    private static final String REFRESH_PATH = "/api/v1/auth/token/refresh";
    private static final String RESOURCE_MAP_PATH = "/api/v1/resourceURLMap";
    private static final String FINDING_LIST_PATH = "/api/v2/finding/list";
    private static final String FORM = "application/x-www-form-urlencoded";

    /** The simulated API calls: each is one method on one path (a trailing slash is ignored). */
    public enum Endpoint {
        /** Get Credentials Token. */
        LOGIN("POST", LOGIN_PATH),
        /** Get Refresh Token. */
        REFRESH("POST", REFRESH_PATH),
        /** Get Resource Map, the smoke check of an access token and the source of the request context. */
        RESOURCE_URL_MAP("GET", RESOURCE_MAP_PATH),
        /** A data call: a page of findings, for a live access token and the request context headers. */
        FINDING_LIST("POST", FINDING_LIST_PATH);

        private final String method;
        private final String path;

        Endpoint(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** The HTTP method the endpoint answers; other methods get 405. */
        public String method() {
            return method;
        }

        /** The path, without a trailing slash. */
        public String path() {
            return path;
        }
    }

    /** Who may call the admin HTTP API under {@code /_sim/}. */
    public enum AdminAccess {
        /** No admin API: {@code /_sim/} is an unknown path (404). */
        OFF,
        /** Clients on a loopback address only; others get 403. The default. */
        LOOPBACK,
        /** Any client that reaches the server: only on a network you trust. */
        ANY
    }

    /** The company of the resource map unless configured. */
    public static final long DEFAULT_COMPANY_ID = 1001;
    /** The role of the resource map unless configured. */
    public static final long DEFAULT_ROLE_ID = 1;

    /**
     * One request as the simulator received it. {@link #toString()} leaves out the body and the
     * {@code Authorization} header, which hold secrets.
     *
     * @param at the simulator clock's time when the request arrived
     * @param method the HTTP method
     * @param target the request target exactly as sent: a path, or an absolute URL when the client
     *     went through this server as a proxy
     * @param path the decoded path of the target
     * @param headers the headers, names in lower case
     * @param body the body decoded as UTF-8
     * @param remotePort the client's port: requests on one reused connection share it
     * @param endpoint which endpoint the path matched, if any
     * @param status the status the simulator answered with
     */
    public record RecordedRequest(Instant at, String method, String target, String path,
            Map<String, List<String>> headers, String body, int remotePort, Optional<Endpoint> endpoint, int status) {
        public RecordedRequest {
            headers = Collections.unmodifiableMap(new TreeMap<>(headers));
        }

        /** The first value of a header, by case-insensitive name. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** The form fields of the body, decoded, in order; a repeated name keeps every value. */
        public Map<String, List<String>> formFields() {
            return Wire.parseForm(body);
        }

        /** Whether the request came in proxy form (an absolute URL as the target). */
        public boolean viaProxy() {
            return target.startsWith("http://") || target.startsWith("https://");
        }

        @Override
        public String toString() {
            return "RecordedRequest[" + method + " " + path + " -> " + status + ", port " + remotePort + "]";
        }
    }

    private record RefreshRecord(Instant issuedAt, Instant expiresAt) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean https;
    private final Clock clock;
    private final Duration accessLifetime;
    private final Duration refreshLifetime;
    private final boolean rotate;
    /** How long every answer is held back, as if FortiCNP were that far away; zero on loopback. */
    private final Duration latency;
    private final Set<String> credentials = ConcurrentHashMap.newKeySet();
    private final Map<String, RefreshRecord> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicLong issuedCount = new AtomicLong();
    private final Map<Endpoint, Deque<FortiCnpFault>> faults = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, AtomicLong> requestCounts = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, AtomicLong> grantCounts = new EnumMap<>(Endpoint.class);
    /** Answers per endpoint and HTTP status, counted as requests are logged. */
    private final Map<Endpoint, Map<Integer, AtomicLong>> statusCounts = new EnumMap<>(Endpoint.class);
    /** The resource map and the data calls. */
    private final DataEndpoints data;
    private final AdminAccess adminAccess;
    private final Deque<RecordedRequest> log = new ArrayDeque<>();
    private final SecureRandom random = new SecureRandom();
    private final byte[] signingKey = new byte[32];
    /** What each endpoint answers, after the shared hook in {@link #handle}. */
    private final Map<Endpoint, EndpointHandler> handlers = new EnumMap<>(Endpoint.class);

    private FortiCnpSimulator(Builder b) throws IOException {
        this.https = b.https;
        this.clock = b.clock;
        this.accessLifetime = b.accessLifetime;
        this.refreshLifetime = b.refreshLifetime;
        this.rotate = b.rotate;
        this.latency = b.latency;
        b.credentials.forEach(c -> credentials.add(c.value()));
        for (Endpoint e : Endpoint.values()) {
            faults.put(e, new ArrayDeque<>());
            requestCounts.put(e, new AtomicLong());
            grantCounts.put(e, new AtomicLong());
            statusCounts.put(e, new ConcurrentHashMap<>());
        }
        random.nextBytes(signingKey);
        handlers.put(Endpoint.LOGIN, call -> withForm(call, this::login));
        handlers.put(Endpoint.REFRESH, call -> withForm(call, this::refresh));
        this.data = new DataEndpoints(this::isLive, ep -> grantCounts.get(ep).incrementAndGet(), this::baseUrl,
                b.companies.isEmpty() ? List.of(new DataEndpoints.Company(DEFAULT_COMPANY_ID, "Simulated Company"))
                        : b.companies,
                b.roleId, b.username);
        handlers.put(Endpoint.RESOURCE_URL_MAP, data::resourceMap);
        handlers.put(Endpoint.FINDING_LIST, data::findingList);
        this.adminAccess = b.adminAccess;
        InetSocketAddress address = new InetSocketAddress(b.bindAddress, b.port);
        if (https) {
            HttpsServer s = HttpsServer.create(address, 64);
            s.setHttpsConfigurator(new HttpsConfigurator(Tls.IDENTITY.serverContext()));
            this.server = s;
        } else {
            this.server = HttpServer.create(address, 64);
        }
        AtomicInteger threads = new AtomicInteger();
        // Unbounded on purpose: a request held back by the latency or a delay fault sleeps on its
        // own thread, so requests in flight at once are held back side by side, never in a queue.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "forticnp-simulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        if (adminAccess != AdminAccess.OFF) {
            server.createContext(AdminApi.PREFIX, new AdminApi(this, adminAccess));
        }
        server.start();
    }

    /** A builder with the documented defaults: plain HTTP on a free loopback port, no credential. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL clients use, e.g. {@code https://127.0.0.1:41234} (no trailing slash). */
    public URI baseUrl() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((https ? "https" : "http") + "://" + host + ":" + a.getPort());
    }

    /**
     * The base URL of the admin HTTP API, e.g. {@code http://127.0.0.1:41234/_sim/}, unless it is
     * {@link AdminAccess#OFF}.
     */
    public Optional<URI> adminUrl() {
        return adminAccess == AdminAccess.OFF ? Optional.empty() : Optional.of(baseUrl().resolve(AdminApi.PREFIX));
    }

    /** Who may call the admin HTTP API. */
    public AdminAccess adminAccess() {
        return adminAccess;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether the server speaks HTTPS with the generated certificate ({@link #certificatePem()}). */
    public boolean isHttps() {
        return https;
    }

    /** How long every answer is held back ({@link Builder#latency}); zero unless configured. */
    public Duration latency() {
        return latency;
    }

    /** The clock the simulator reads. */
    public Clock clock() {
        return clock;
    }

    /**
     * The certificate every HTTPS simulator of this JVM presents, in PEM form: self-signed, for
     * 127.0.0.1, ::1 and localhost, made when first needed (no key store ships with the
     * simulator; the private key never leaves memory). Trust it in a client to talk to an HTTPS
     * simulator.
     */
    public static String certificatePem() {
        return Tls.IDENTITY.pem();
    }

    /** Writes {@link #certificatePem()} to {@code file} and returns the file. */
    public static Path writeCertificatePem(Path file) throws IOException {
        Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
        return file;
    }

    /** A fresh in-memory key store (PKCS12) that trusts the simulator's test certificate and nothing else. */
    public static KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("forticnp-simulator", Tls.IDENTITY.certificate());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the simulator trust store", e);
        }
    }

    /** Accepts {@code credential} for logins from now on. */
    public void addCredential(ApiCredential credential) {
        credentials.add(Objects.requireNonNull(credential, "credential == null").value());
    }

    /**
     * Stops accepting {@code credential}: logins with it get 401 {@code invalid_client}; tokens
     * already issued stay valid. Returns whether it was accepted until now.
     */
    public boolean revokeCredential(ApiCredential credential) {
        return credentials.remove(Objects.requireNonNull(credential, "credential == null").value());
    }

    /** Stops accepting every credential (tokens already issued stay valid); returns how many there were. */
    public int revokeAllCredentials() {
        return removeAll(credentials);
    }

    /** Revokes every refresh token: refreshing with any gets {@code invalid_grant}. Returns how many. */
    public int revokeAllRefreshTokens() {
        return removeAll(refreshTokens.keySet());
    }

    /** Revokes every access token: data calls with any get 401. Returns how many were known. */
    public int revokeAllAccessTokens() {
        return removeAll(accessTokens.keySet());
    }

    private static int removeAll(Set<String> live) {
        int removed = 0;
        for (String value : live) {
            if (live.remove(value)) {
                removed++;
            }
        }
        return removed;
    }

    /** Revokes a refresh token: using it again gets {@code invalid_grant}. Returns whether it was live. */
    public boolean revokeRefreshToken(RefreshToken token) {
        return refreshTokens.remove(Objects.requireNonNull(token, "token == null").value()) != null;
    }

    /** Revokes an access token: data calls with it get 401 from now on. Returns whether it was known. */
    public boolean revokeAccessToken(AccessToken token) {
        return accessTokens.remove(Objects.requireNonNull(token, "token == null").value()) != null;
    }

    /** Whether the simulator issued this access token, has not revoked it, and it has not expired. */
    public boolean isLive(AccessToken token) {
        Instant exp = accessTokens.get(token.value());
        return exp != null && clock.instant().isBefore(exp);
    }

    /** Whether this refresh token is known, not revoked and not expired. */
    public boolean isLive(RefreshToken token) {
        RefreshRecord r = refreshTokens.get(token.value());
        return r != null && clock.instant().isBefore(r.expiresAt());
    }

    /** Queues {@code fault} for the next call to {@code endpoint}. */
    public void injectFault(Endpoint endpoint, FortiCnpFault fault) {
        injectFault(endpoint, fault, 1);
    }

    /** Queues {@code fault} for the next {@code times} calls to {@code endpoint}. */
    public void injectFault(Endpoint endpoint, FortiCnpFault fault, int times) {
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(fault, "fault == null");
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive");
        }
        Deque<FortiCnpFault> q = faults.get(endpoint);
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.addLast(fault);
            }
        }
    }

    /** How many faults are still queued for {@code endpoint}. */
    public int pendingFaults(Endpoint endpoint) {
        Deque<FortiCnpFault> q = faults.get(endpoint);
        synchronized (q) {
            return q.size();
        }
    }

    /** Drops every queued fault. */
    public void clearFaults() {
        faults.values().forEach(q -> {
            synchronized (q) {
                q.clear();
            }
        });
    }

    /** How many requests reached {@code endpoint}, whatever the answer. */
    public long requestCount(Endpoint endpoint) {
        return requestCounts.get(endpoint).get();
    }

    /**
     * How many answers of each HTTP status {@code endpoint} gave (a status it never answered is
     * absent), sorted by status: a snapshot. Faults are counted by the status they answered with; a
     * request cut off before its answer, by the status it was going to send.
     */
    public Map<Integer, Long> statusCounts(Endpoint endpoint) {
        Map<Integer, Long> snapshot = new TreeMap<>();
        statusCounts.get(Objects.requireNonNull(endpoint, "endpoint == null"))
                .forEach((status, n) -> snapshot.put(status, n.get()));
        return Collections.unmodifiableMap(snapshot);
    }

    /** How many answers with this HTTP status {@code endpoint} gave. */
    public long requestCount(Endpoint endpoint, int status) {
        return statusCounts(endpoint).getOrDefault(status, 0L);
    }

    /**
     * How many successful answers {@code endpoint} gave: tokens handed out for {@code LOGIN} and
     * {@code REFRESH}, resource maps for {@code RESOURCE_URL_MAP}, finding pages for {@code
     * FINDING_LIST}.
     */
    public long grantCount(Endpoint endpoint) {
        return grantCounts.get(endpoint).get();
    }

    /** Every request received so far (the newest {@value #MAX_LOGGED_REQUESTS}), oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The latest request to {@code endpoint}. */
    public Optional<RecordedRequest> lastRequest(Endpoint endpoint) {
        synchronized (log) {
            var it = log.descendingIterator();
            while (it.hasNext()) {
                RecordedRequest r = it.next();
                if (r.endpoint().equals(Optional.of(endpoint))) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** Empties the request log (counters keep counting). */
    public void clearRequests() {
        synchronized (log) {
            log.clear();
        }
    }

    /**
     * Every access and refresh token this simulator has issued (the first {@value
     * #MAX_REMEMBERED_SECRETS}), so a leak test can search output for them.
     */
    public Set<String> issuedSecrets() {
        return Set.copyOf(issued);
    }

    /** Stops the server at once; requests in flight are cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FortiCnpSimulator[" + baseUrl() + "]";
    }

    // ---- request handling -------------------------------------------------------------------

    /**
     * The one hook every request passes: routes it, counts it, takes the endpoint's next fault,
     * waits the latency plus the fault's delay, answers a replacing fault itself, checks the method, and only then
     * asks the endpoint's {@link EndpointHandler}. Then it logs the request and sends the answer.
     */
    private void handle(HttpExchange ex) {
        try (ex) {
            Instant at = clock.instant();
            byte[] raw = readCapped(ex.getRequestBody());
            String path = ex.getRequestURI().getPath() == null ? "" : ex.getRequestURI().getPath();
            Optional<Endpoint> endpoint = route(path);
            Reply reply;
            String faultNote = "";
            if (raw == null) {
                reply = Reply.oauthError(413, "invalid_request", "request body too large");
            } else if (endpoint.isEmpty()) {
                reply = Reply.text(404, "not found\n");
            } else {
                Endpoint ep = endpoint.get();
                requestCounts.get(ep).incrementAndGet();
                Optional<FortiCnpFault> fault = nextFault(ep);
                if (fault.isPresent()) {
                    faultNote = " " + fault.get();
                }
                Duration holdBack = fault.map(f -> latency.plus(f.delay)).orElse(latency);
                if (!holdBack.isZero()) {
                    Thread.sleep(holdBack.toMillis());
                }
                if (fault.isPresent() && fault.get().kind == FortiCnpFault.Kind.ANSWER) {
                    FortiCnpFault f = fault.get();
                    reply = Reply.of(f.status, f.contentType, f.body.getBytes(StandardCharsets.UTF_8));
                } else if (!ex.getRequestMethod().equals(ep.method())) {
                    reply = Reply.oauthError(405, "invalid_request",
                            "method " + Wire.printable(ex.getRequestMethod()) + " not allowed").with("Allow", ep.method());
                } else {
                    reply = handlers.get(ep).answer(
                            new EndpointHandler.Call(ex, new String(raw, StandardCharsets.UTF_8), at, fault));
                }
                if (fault.isPresent() && fault.get().retryAfter().isPresent()) {
                    reply = reply.with("Retry-After", fault.get().retryAfter().get());
                }
            }
            record(new RecordedRequest(at, ex.getRequestMethod(), ex.getRequestURI().toString(), path,
                    lowerCaseHeaders(ex), raw == null ? "" : new String(raw, StandardCharsets.UTF_8),
                    ex.getRemoteAddress().getPort(), endpoint, reply.status()));
            LOG.debug("{} {} -> {}{}", ex.getRequestMethod(), path, reply.status(), faultNote);
            reply.send(ex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away or the connection was cut on purpose
            LOG.debug("request ended early: {}", e.getClass().getSimpleName());
        }
    }

    private static Optional<Endpoint> route(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Endpoint e : Endpoint.values()) {
            if (e.path().equals(p)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private Optional<FortiCnpFault> nextFault(Endpoint ep) {
        Deque<FortiCnpFault> q = faults.get(ep);
        synchronized (q) {
            return Optional.ofNullable(q.pollFirst());
        }
    }

    /** What an endpoint that takes a form body answers, given the call and its form fields. */
    @FunctionalInterface
    private interface FormHandler {
        Reply answer(EndpointHandler.Call call, Map<String, List<String>> form);
    }

    /** Checks the content type and the form (no field repeated), then asks {@code handler}. */
    private static Reply withForm(EndpointHandler.Call call, FormHandler handler) {
        String type = call.header("Content-Type").orElse("");
        String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(FORM)) {
            return Reply.oauthError(415, "invalid_request", "Content-Type must be " + FORM);
        }
        Map<String, List<String>> form;
        try {
            form = Wire.parseForm(call.body());
        } catch (IllegalArgumentException e) {
            return Reply.oauthError(400, "invalid_request", "the form body is not valid");
        }
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            if (e.getValue().size() > 1) {
                return Reply.oauthError(400, "invalid_request", "parameter " + Wire.printable(e.getKey()) + " is repeated");
            }
        }
        return handler.answer(call, form);
    }

    private Reply login(EndpointHandler.Call call, Map<String, List<String>> form) {
        Optional<String> auth = call.header("Authorization");
        if (auth.isEmpty() || !auth.get().startsWith("Basic ")
                || !credentials.contains(auth.get().substring("Basic ".length()))) {
            return Reply.oauthError(401, "invalid_client", auth.isEmpty() ? "missing client authentication" : "bad credentials")
                    .with("WWW-Authenticate", "Basic realm=\"FortiCNP\"");
        }
        Optional<Reply> refused = checkGrant(form, "client_credentials", Set.of("grant_type"));
        if (refused.isPresent()) {
            return refused.get();
        }
        Instant now = clock.instant();
        String refresh = newRefreshToken(now);
        return tokenReply(Endpoint.LOGIN, now, Optional.of(refresh), call.fault());
    }

    private Reply refresh(EndpointHandler.Call call, Map<String, List<String>> form) {
        Optional<Reply> refused = checkGrant(form, "refresh_token", Set.of("grant_type", "refresh_token"));
        if (refused.isPresent()) {
            return refused.get();
        }
        String presented = form.get("refresh_token").get(0);
        Instant now = clock.instant();
        RefreshRecord rec = refreshTokens.get(presented);
        if (rec == null) {
            return Reply.oauthError(400, "invalid_grant", "refresh token is unknown or revoked");
        }
        if (!now.isBefore(rec.expiresAt())) {
            return Reply.oauthError(400, "invalid_grant", "refresh token has expired");
        }
        Optional<String> rotated = Optional.empty();
        if (rotate && refreshTokens.remove(presented) != null) {
            rotated = Optional.of(newRefreshToken(now));
        }
        return tokenReply(Endpoint.REFRESH, now, rotated, call.fault());
    }

    /** The refusal of a form that is not exactly the {@code allowed} fields with this grant type, if any. */
    private static Optional<Reply> checkGrant(Map<String, List<String>> form, String grantType, Set<String> allowed) {
        if (!form.containsKey("grant_type")) {
            return Optional.of(Reply.oauthError(400, "invalid_request", "grant_type is missing"));
        }
        if (!form.get("grant_type").get(0).equals(grantType)) {
            return Optional.of(Reply.oauthError(400, "unsupported_grant_type",
                    "this endpoint only accepts grant_type=" + grantType));
        }
        for (String name : allowed) {
            if (!form.containsKey(name) || form.get(name).get(0).isEmpty()) {
                return Optional.of(Reply.oauthError(400, "invalid_request", name + " is missing"));
            }
        }
        for (String name : form.keySet()) {
            if (!allowed.contains(name)) {
                return Optional.of(Reply.oauthError(400, "invalid_request", "unexpected parameter " + Wire.printable(name)));
            }
        }
        return Optional.empty();
    }

    private String newRefreshToken(Instant now) {
        String token = randomToken(48);
        refreshTokens.put(token, new RefreshRecord(now, now.plus(refreshLifetime)));
        remember(token, now);
        return token;
    }

    /** Issues an access token and answers with it, damaged as a damaging {@code fault} says. */
    private Reply tokenReply(Endpoint ep, Instant now, Optional<String> refresh, Optional<FortiCnpFault> fault) {
        long expiresMillis = now.plus(accessLifetime).toEpochMilli();
        String access = jwt(expiresMillis / 1000);
        accessTokens.put(access, Instant.ofEpochMilli(expiresMillis));
        remember(access, now);
        grantCounts.get(ep).incrementAndGet();

        FortiCnpFault.Kind kind = fault.map(f -> f.kind).orElse(FortiCnpFault.Kind.DELAY);
        FortiCnpFault.ExpiresForm form =
                kind == FortiCnpFault.Kind.EXPIRES ? fault.get().expiresForm : FortiCnpFault.ExpiresForm.EXPONENT;
        String missing = kind == FortiCnpFault.Kind.MISSING_FIELD ? fault.get().field : "";

        ObjectNode body = Wire.MAPPER.createObjectNode();
        if (!missing.equals("token_type")) {
            body.put("token_type", "bearer");
        }
        if (kind == FortiCnpFault.Kind.UNKNOWN_FIELDS) {
            body.put("scope", "API");
        }
        if (!missing.equals("expires") && form != FortiCnpFault.ExpiresForm.ABSENT) {
            putExpires(body, expiresMillis, form);
        }
        if (!missing.equals("access_token")) {
            body.put("access_token", access);
        }
        if (refresh.isPresent() && !missing.equals("refresh_token")) {
            body.put("refresh_token", refresh.get());
        }
        if (kind == FortiCnpFault.Kind.UNKNOWN_FIELDS) {
            ObjectNode session = body.putObject("x_session").put("id", 42);
            session.putArray("tags").add("a").add("b");
            session.put("ratio", 0.5);
            body.putArray("x_hosts").add("FCWP").addNull().add(true);
        }
        Reply whole = Reply.json(200, body);
        return switch (kind) {
            case MALFORMED_JSON -> Reply.of(200, Reply.JSON, Arrays.copyOf(whole.body(), whole.body().length * 3 / 5));
            case OVERSIZED -> {
                // ,"padding":"" adds 13 bytes to the object
                body.put("padding", "x".repeat(Math.max(0, fault.get().size - whole.body().length - 13)));
                yield Reply.json(200, body).sent(Reply.Mode.CHUNKED);
            }
            case CLOSE_MID_RESPONSE -> whole.sent(Reply.Mode.CUT);
            case TRICKLE -> whole.sent(Reply.Mode.TRICKLE);
            default -> whole;
        };
    }

    private void remember(String secret, Instant now) {
        if (issued.size() < MAX_REMEMBERED_SECRETS) {
            issued.add(secret);
        }
        if (issuedCount.incrementAndGet() % PRUNE_EVERY == 0) {
            accessTokens.values().removeIf(exp -> !now.isBefore(exp));
            refreshTokens.values().removeIf(r -> !now.isBefore(r.expiresAt()));
        }
    }

    /** {@code expires} as FortiCNP writes it: epoch milliseconds in exponent form, 1.585002361532E12. */
    public static String exponentForm(long millis) {
        return Wire.exponentForm(millis);
    }

    /** Writes {@code expires} in {@code form}; exponent form is the JSON number FortiCNP sends. */
    private static void putExpires(ObjectNode body, long millis, FortiCnpFault.ExpiresForm form) {
        switch (form) {
            case EXPONENT, ABSENT -> body.putRawValue("expires", new RawValue(Wire.exponentForm(millis)));
            case INTEGER -> body.put("expires", millis);
            case STRING -> body.put("expires", Long.toString(millis));
            case NEGATIVE -> body.putRawValue("expires", new RawValue("-" + Wire.exponentForm(millis)));
            case NOT_A_NUMBER -> body.put("expires", "in 30 minutes");
        }
    }

    private String jwt(long expSeconds) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(Wire.json(Wire.MAPPER.createObjectNode().put("alg", "HS256").put("typ", "JWT")));
        ObjectNode payload = Wire.MAPPER.createObjectNode().put("scope", "API").put("iss", "fauth-server");
        payload.putArray("host").add("FCWP");
        payload.put("exp", expSeconds).put("jti", randomToken(12));
        String signingInput = header + "." + b64.encodeToString(Wire.json(payload));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void record(RecordedRequest r) {
        r.endpoint().ifPresent(ep -> statusCounts.get(ep).computeIfAbsent(r.status(), k -> new AtomicLong()).incrementAndGet());
        synchronized (log) {
            if (log.size() == MAX_LOGGED_REQUESTS) {
                log.removeFirst();
            }
            log.addLast(r);
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            if (out.size() + n > MAX_REQUEST_BYTES) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static Map<String, List<String>> lowerCaseHeaders(HttpExchange ex) {
        Map<String, List<String>> h = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        return h;
    }

    /** Holds the JVM's one TLS identity, made on first use (a plain-HTTP simulator never makes it). */
    private static final class Tls {
        static final SelfSignedCertificate IDENTITY = SelfSignedCertificate.generate("FortiCNP simulator", Instant.now());

        private Tls() {}
    }

    // ---- builder -----------------------------------------------------------

    /** Configures and starts a {@link FortiCnpSimulator}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration accessLifetime = DEFAULT_ACCESS_TOKEN_LIFETIME;
        private Duration refreshLifetime = DEFAULT_REFRESH_TOKEN_LIFETIME;
        private boolean rotate;
        private Duration latency = Duration.ZERO;
        private boolean https;
        private int port;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private final List<ApiCredential> credentials = new ArrayList<>();
        private final List<DataEndpoints.Company> companies = new ArrayList<>();
        private long roleId = DEFAULT_ROLE_ID;
        private String username = "api-user";
        private AdminAccess adminAccess = AdminAccess.LOOPBACK;

        private Builder() {}

        /**
         * Adds a company to the resource map's {@code companyMapSet} (repeatable, in order); without
         * any, one company {@value FortiCnpSimulator#DEFAULT_COMPANY_ID}, "Simulated Company". Data
         * calls need one of these ids in their {@code companyId} header.
         */
        public Builder company(long companyId, String companyName) {
            companies.add(new DataEndpoints.Company(companyId, Objects.requireNonNull(companyName, "companyName == null")));
            return this;
        }

        /** The resource map's {@code roleId}, which data calls send back; default {@value FortiCnpSimulator#DEFAULT_ROLE_ID}. */
        public Builder roleId(long roleId) {
            if (roleId < 0) {
                throw new IllegalArgumentException("roleId must not be negative, got " + roleId);
            }
            this.roleId = roleId;
            return this;
        }

        /** The resource map's {@code username}; default {@code api-user}. */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username == null");
            return this;
        }

        /** Who may call the admin HTTP API under {@code /_sim/}; default {@link AdminAccess#LOOPBACK}. */
        public Builder adminAccess(AdminAccess access) {
            this.adminAccess = Objects.requireNonNull(access, "access == null");
            return this;
        }

        /** The clock that decides issue and expiry times; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /** How long access tokens live; default {@link #DEFAULT_ACCESS_TOKEN_LIFETIME}. */
        public Builder accessTokenLifetime(Duration lifetime) {
            this.accessLifetime = positive(lifetime, "accessTokenLifetime");
            return this;
        }

        /** How long refresh tokens live after they are issued; default 8 hours. */
        public Builder refreshTokenLifetime(Duration lifetime) {
            this.refreshLifetime = positive(lifetime, "refreshTokenLifetime");
            return this;
        }

        /**
         * Whether a refresh answers with a new refresh token that replaces (and revokes) the one
         * presented. Default off, as documented.
         */
        public Builder rotateRefreshTokens(boolean rotate) {
            this.rotate = rotate;
            return this;
        }

        /** Adds a credential the login accepts (repeatable). */
        public Builder credential(ApiCredential credential) {
            credentials.add(Objects.requireNonNull(credential, "credential == null"));
            return this;
        }

        /** Whether to speak HTTPS with the JVM's generated certificate ({@link FortiCnpSimulator#certificatePem()}); default plain HTTP. */
        public Builder https(boolean https) {
            this.https = https;
            return this;
        }

        /** The port to listen on; default 0, a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The address to listen on; default the loopback address. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address == null");
            return this;
        }

        /**
         * Holds back every answer by {@code latency} (added to a fault's delay), as if FortiCNP were
         * that far away: for benchmarks of I/O-bound work on loopback. Requests in flight at once
         * wait side by side, each on its own server thread. Default zero.
         */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency == null");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, got " + latency);
            }
            this.latency = latency;
            return this;
        }

        /** Starts the server. */
        public FortiCnpSimulator start() {
            try {
                return new FortiCnpSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the FortiCNP simulator", e);
            }
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " == null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
