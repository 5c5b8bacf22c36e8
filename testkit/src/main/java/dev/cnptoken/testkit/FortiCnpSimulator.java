package dev.cnptoken.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
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
 *   <li>{@code GET /api/v1/resourceURLMap} answers 200 only for a live access token, else 401.
 * </ul>
 *
 * Time comes from the {@link Clock} given to the builder (a {@link SteppingClock} lets a test make
 * tokens expire at once). Faults can be queued per endpoint ({@link #injectFault}); every request is
 * counted and logged ({@link #requests()}).
 *
 * <p>Start one with {@link #builder()}, or from the command line with {@link #main}. Thread-safe.
 * Closing stops the server at once.
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

    static {
        // The JDK server writes headers and body in separate segments and leaves Nagle's algorithm
        // on, so every answer waits ~40 ms for the client's delayed ACK. Real servers set
        // TCP_NODELAY; so does the simulator, unless the JVM was told otherwise. Read once, when the
        // first JDK HTTP server of the JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final String KEYSTORE = "forticnp-simulator.p12";
    private static final String CERTIFICATE = "forticnp-simulator.pem";
    private static final char[] KEYSTORE_PASSWORD = "simulator".toCharArray();
    private static final String LOGIN_PATH = "/api/v1/auth/credentials/token";
    private static final String REFRESH_PATH = "/api/v1/auth/token/refresh";
    private static final String RESOURCE_MAP_PATH = "/api/v1/resourceURLMap";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json;charset=UTF-8";

    /** The simulated API calls. */
    public enum Endpoint {
        /** Get Credentials Token. */
        LOGIN,
        /** Get Refresh Token. */
        REFRESH,
        /** Get Resource Map, the smoke check of an access token. */
        RESOURCE_URL_MAP
    }

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
            return parseForm(body);
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

    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Mode mode) {
        enum Mode { NORMAL, CHUNKED, CUT }

        Reply with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(header, value);
            return new Reply(status, contentType, body, h, mode);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean https;
    private final Clock clock;
    private final Duration accessLifetime;
    private final Duration refreshLifetime;
    private final boolean rotate;
    private final Set<String> credentials = ConcurrentHashMap.newKeySet();
    private final Map<String, RefreshRecord> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicLong issuedCount = new AtomicLong();
    private final Map<Endpoint, Deque<FortiCnpFault>> faults = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, AtomicLong> requestCounts = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, AtomicLong> grantCounts = new EnumMap<>(Endpoint.class);
    private final Deque<RecordedRequest> log = new ArrayDeque<>();
    private final SecureRandom random = new SecureRandom();
    private final byte[] signingKey = new byte[32];

    private FortiCnpSimulator(Builder b) throws IOException {
        this.https = b.https;
        this.clock = b.clock;
        this.accessLifetime = b.accessLifetime;
        this.refreshLifetime = b.refreshLifetime;
        this.rotate = b.rotate;
        b.credentials.forEach(c -> credentials.add(c.value()));
        for (Endpoint e : Endpoint.values()) {
            faults.put(e, new ArrayDeque<>());
            requestCounts.put(e, new AtomicLong());
            grantCounts.put(e, new AtomicLong());
        }
        random.nextBytes(signingKey);
        InetSocketAddress address = new InetSocketAddress(b.bindAddress, b.port);
        if (https) {
            HttpsServer s = HttpsServer.create(address, 64);
            s.setHttpsConfigurator(new HttpsConfigurator(serverSslContext()));
            this.server = s;
        } else {
            this.server = HttpServer.create(address, 64);
        }
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "forticnp-simulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
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

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether the server speaks HTTPS with the test certificate. */
    public boolean isHttps() {
        return https;
    }

    /** The clock the simulator reads. */
    public Clock clock() {
        return clock;
    }

    /**
     * The simulator's self-signed test certificate in PEM form (valid for 127.0.0.1, ::1 and
     * localhost until 2126). Trust it in a client to talk to an HTTPS simulator.
     */
    public static String certificatePem() {
        try (InputStream in = resource(CERTIFICATE)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulator certificate", e);
        }
    }

    /** Writes {@link #certificatePem()} to {@code file} and returns the file. */
    public static Path writeCertificatePem(Path file) throws IOException {
        Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
        return file;
    }

    /** A fresh in-memory key store (PKCS12) that trusts the simulator's test certificate and nothing else. */
    public static KeyStore trustStore() {
        try (InputStream in = resource(CERTIFICATE)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("forticnp-simulator", cert);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the simulator trust store", e);
        }
    }

    /** Accepts {@code credential} for logins from now on. */
    public void addCredential(ApiCredential credential) {
        credentials.add(Objects.requireNonNull(credential, "credential == null").value());
    }

    /** Stops accepting {@code credential}; tokens already issued stay valid. */
    public void revokeCredential(ApiCredential credential) {
        credentials.remove(Objects.requireNonNull(credential, "credential == null").value());
    }

    /** Revokes a refresh token: using it again gets {@code invalid_grant}. Returns whether it was live. */
    public boolean revokeRefreshToken(RefreshToken token) {
        return refreshTokens.remove(Objects.requireNonNull(token, "token == null").value()) != null;
    }

    /** Revokes an access token: the resource map refuses it from now on. Returns whether it was known. */
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
     * How many successful answers {@code endpoint} gave: tokens handed out for {@code LOGIN} and
     * {@code REFRESH}, resource maps for {@code RESOURCE_URL_MAP}.
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

    private void handle(HttpExchange ex) {
        try (ex) {
            Instant at = clock.instant();
            byte[] raw = readCapped(ex.getRequestBody());
            String path = ex.getRequestURI().getPath() == null ? "" : ex.getRequestURI().getPath();
            Optional<Endpoint> endpoint = route(path);
            Reply reply;
            String faultNote = "";
            if (raw == null) {
                reply = oauthError(413, "invalid_request", "request body too large");
            } else if (endpoint.isEmpty()) {
                reply = new Reply(404, "text/plain;charset=UTF-8", "not found\n".getBytes(StandardCharsets.UTF_8),
                        Map.of(), Reply.Mode.NORMAL);
            } else {
                Endpoint ep = endpoint.get();
                requestCounts.get(ep).incrementAndGet();
                FortiCnpFault fault = nextFault(ep);
                if (fault != null) {
                    faultNote = " " + fault;
                    if (!fault.delay.isZero()) {
                        Thread.sleep(fault.delay.toMillis());
                    }
                }
                if (fault != null && fault.kind == FortiCnpFault.Kind.ANSWER) {
                    reply = new Reply(fault.status, fault.contentType, fault.body.getBytes(StandardCharsets.UTF_8),
                            Map.of(), Reply.Mode.NORMAL);
                } else {
                    reply = process(ep, ex, new String(raw, StandardCharsets.UTF_8), fault);
                }
                if (fault != null && fault.retryAfter().isPresent()) {
                    reply = reply.with("Retry-After", fault.retryAfter().get());
                }
            }
            record(new RecordedRequest(at, ex.getRequestMethod(), ex.getRequestURI().toString(), path,
                    lowerCaseHeaders(ex), raw == null ? "" : new String(raw, StandardCharsets.UTF_8),
                    ex.getRemoteAddress().getPort(), endpoint, reply.status()));
            LOG.debug("{} {} -> {}{}", ex.getRequestMethod(), path, reply.status(), faultNote);
            send(ex, reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away or the connection was cut on purpose
            LOG.debug("request ended early: {}", e.getClass().getSimpleName());
        }
    }

    private Optional<Endpoint> route(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return switch (p) {
            case LOGIN_PATH -> Optional.of(Endpoint.LOGIN);
            case REFRESH_PATH -> Optional.of(Endpoint.REFRESH);
            case RESOURCE_MAP_PATH -> Optional.of(Endpoint.RESOURCE_URL_MAP);
            default -> Optional.empty();
        };
    }

    private FortiCnpFault nextFault(Endpoint ep) {
        Deque<FortiCnpFault> q = faults.get(ep);
        synchronized (q) {
            return q.pollFirst();
        }
    }

    private Reply process(Endpoint ep, HttpExchange ex, String body, FortiCnpFault fault) {
        if (ep == Endpoint.RESOURCE_URL_MAP) {
            return resourceMap(ex);
        }
        if (!ex.getRequestMethod().equals("POST")) {
            return oauthError(405, "invalid_request", "method " + printable(ex.getRequestMethod()) + " not allowed")
                    .with("Allow", "POST");
        }
        String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("");
        String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(FORM)) {
            return oauthError(415, "invalid_request", "Content-Type must be " + FORM);
        }
        Map<String, List<String>> form;
        try {
            form = parseForm(body);
        } catch (IllegalArgumentException e) {
            return oauthError(400, "invalid_request", "the form body is not valid");
        }
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            if (e.getValue().size() > 1) {
                return oauthError(400, "invalid_request", "parameter " + printable(e.getKey()) + " is repeated");
            }
        }
        return ep == Endpoint.LOGIN ? login(ex, form, fault) : refresh(form, fault);
    }

    private Reply login(HttpExchange ex, Map<String, List<String>> form, FortiCnpFault fault) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Basic ") || !credentials.contains(auth.substring("Basic ".length()))) {
            return oauthError(401, "invalid_client", auth == null ? "missing client authentication" : "bad credentials")
                    .with("WWW-Authenticate", "Basic realm=\"FortiCNP\"");
        }
        Reply refused = checkGrant(form, "client_credentials", Set.of("grant_type"));
        if (refused != null) {
            return refused;
        }
        Instant now = clock.instant();
        String refresh = newRefreshToken(now);
        return tokenReply(Endpoint.LOGIN, now, Optional.of(refresh), fault);
    }

    private Reply refresh(Map<String, List<String>> form, FortiCnpFault fault) {
        Reply refused = checkGrant(form, "refresh_token", Set.of("grant_type", "refresh_token"));
        if (refused != null) {
            return refused;
        }
        String presented = form.get("refresh_token").get(0);
        Instant now = clock.instant();
        RefreshRecord rec = refreshTokens.get(presented);
        if (rec == null) {
            return oauthError(400, "invalid_grant", "refresh token is unknown or revoked");
        }
        if (!now.isBefore(rec.expiresAt())) {
            return oauthError(400, "invalid_grant", "refresh token has expired");
        }
        Optional<String> rotated = Optional.empty();
        if (rotate && refreshTokens.remove(presented) != null) {
            rotated = Optional.of(newRefreshToken(now));
        }
        return tokenReply(Endpoint.REFRESH, now, rotated, fault);
    }

    private Reply checkGrant(Map<String, List<String>> form, String grantType, Set<String> allowed) {
        if (!form.containsKey("grant_type")) {
            return oauthError(400, "invalid_request", "grant_type is missing");
        }
        if (!form.get("grant_type").get(0).equals(grantType)) {
            return oauthError(400, "unsupported_grant_type", "this endpoint only accepts grant_type=" + grantType);
        }
        for (String name : allowed) {
            if (!form.containsKey(name) || form.get(name).get(0).isEmpty()) {
                return oauthError(400, "invalid_request", name + " is missing");
            }
        }
        for (String name : form.keySet()) {
            if (!allowed.contains(name)) {
                return oauthError(400, "invalid_request", "unexpected parameter " + printable(name));
            }
        }
        return null;
    }

    private Reply resourceMap(HttpExchange ex) {
        if (!ex.getRequestMethod().equals("GET")) {
            return oauthError(405, "invalid_request", "method not allowed").with("Allow", "GET");
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !isLive(new AccessToken(auth.substring(7).strip()))) {
            return oauthError(401, "invalid_token", "the access token is missing, unknown or expired")
                    .with("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        grantCounts.get(Endpoint.RESOURCE_URL_MAP).incrementAndGet();
        String json = "[{\"resourceURL\":\"/api/v1/resourceURLMap\",\"roleId\":1,\"username\":\"api-user\","
                + "\"companyMapSet\":[{\"companyId\":1001,\"companyName\":\"Simulated Company\"}]}]";
        return new Reply(200, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of(), Reply.Mode.NORMAL);
    }

    private String newRefreshToken(Instant now) {
        String token = randomToken(48);
        refreshTokens.put(token, new RefreshRecord(now, now.plus(refreshLifetime)));
        remember(token, now);
        return token;
    }

    private Reply tokenReply(Endpoint ep, Instant now, Optional<String> refresh, FortiCnpFault fault) {
        long expiresMillis = now.plus(accessLifetime).toEpochMilli();
        String access = jwt(expiresMillis / 1000);
        accessTokens.put(access, Instant.ofEpochMilli(expiresMillis));
        remember(access, now);
        grantCounts.get(ep).incrementAndGet();

        FortiCnpFault.Kind kind = fault == null ? FortiCnpFault.Kind.DELAY : fault.kind;
        FortiCnpFault.ExpiresForm form =
                kind == FortiCnpFault.Kind.EXPIRES ? fault.expiresForm : FortiCnpFault.ExpiresForm.EXPONENT;
        String missing = kind == FortiCnpFault.Kind.MISSING_FIELD ? fault.field : "";

        List<String> members = new ArrayList<>();
        if (!missing.equals("token_type")) {
            members.add("\"token_type\":\"bearer\"");
        }
        if (!missing.equals("expires") && form != FortiCnpFault.ExpiresForm.ABSENT) {
            members.add("\"expires\":" + expiresText(expiresMillis, form));
        }
        if (!missing.equals("access_token")) {
            members.add("\"access_token\":" + quote(access));
        }
        if (refresh.isPresent() && !missing.equals("refresh_token")) {
            members.add("\"refresh_token\":" + quote(refresh.get()));
        }
        if (kind == FortiCnpFault.Kind.UNKNOWN_FIELDS) {
            members.add(1, "\"scope\":\"API\"");
            members.add("\"x_session\":{\"id\":42,\"tags\":[\"a\",\"b\"],\"ratio\":0.5}");
            members.add("\"x_hosts\":[\"FCWP\",null,true]");
        }
        String json = "{" + String.join(",", members);
        switch (kind) {
            case MALFORMED_JSON -> {
                String whole = json + "}";
                byte[] cut = whole.substring(0, whole.length() * 3 / 5).getBytes(StandardCharsets.UTF_8);
                return new Reply(200, JSON, cut, Map.of(), Reply.Mode.NORMAL);
            }
            case OVERSIZED -> {
                int pad = Math.max(0, fault.size - json.length() - 14);
                String big = json + ",\"padding\":\"" + "x".repeat(pad) + "\"}";
                return new Reply(200, JSON, big.getBytes(StandardCharsets.UTF_8), Map.of(), Reply.Mode.CHUNKED);
            }
            case CLOSE_MID_RESPONSE -> {
                return new Reply(200, JSON, (json + "}").getBytes(StandardCharsets.UTF_8), Map.of(), Reply.Mode.CUT);
            }
            default -> {
                return new Reply(200, JSON, (json + "}").getBytes(StandardCharsets.UTF_8), Map.of(), Reply.Mode.NORMAL);
            }
        }
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
    static String exponentForm(long millis) {
        return Double.toString((double) millis);
    }

    private static String expiresText(long millis, FortiCnpFault.ExpiresForm form) {
        return switch (form) {
            case EXPONENT, ABSENT -> exponentForm(millis);
            case INTEGER -> Long.toString(millis);
            case STRING -> "\"" + millis + "\"";
            case NEGATIVE -> "-" + exponentForm(millis);
            case NOT_A_NUMBER -> "\"in 30 minutes\"";
        };
    }

    private String jwt(long expSeconds) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = "{\"scope\":\"API\",\"iss\":\"fauth-server\",\"host\":[\"FCWP\"],\"exp\":" + expSeconds
                + ",\"jti\":\"" + randomToken(12) + "\"}";
        String signingInput = header + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
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

    private static Reply oauthError(int status, String error, String description) {
        String json = "{\"error\":" + quote(error) + ",\"error_description\":" + quote(description) + "}";
        return new Reply(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store"),
                Reply.Mode.NORMAL);
    }

    private void record(RecordedRequest r) {
        synchronized (log) {
            if (log.size() == MAX_LOGGED_REQUESTS) {
                log.removeFirst();
            }
            log.addLast(r);
        }
    }

    private static void send(HttpExchange ex, Reply reply) throws IOException {
        if (reply.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        byte[] body = reply.body();
        switch (reply.mode()) {
            case NORMAL -> {
                ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
            case CHUNKED -> {
                ex.sendResponseHeaders(reply.status(), 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int off = 0; off < body.length; off += 8192) {
                        out.write(body, off, Math.min(8192, body.length - off));
                    }
                }
            }
            case CUT -> {
                ex.sendResponseHeaders(reply.status(), body.length);
                OutputStream out = ex.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                // the exchange is closed with bytes missing: the server then drops the connection
                // (closing the body stream itself first would leave the connection open and hanging)
            }
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

    static Map<String, List<String>> parseForm(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        form.replaceAll((k, v) -> List.copyOf(v));
        return form;
    }

    static String quote(String s) {
        return Json.write(s, false);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = FortiCnpSimulator.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name);
        }
        return in;
    }

    private static SSLContext serverSslContext() throws IOException {
        try (InputStream in = resource(KEYSTORE)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, KEYSTORE_PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, KEYSTORE_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the simulator key store", e);
        }
    }

    // ---- builder and command line -----------------------------------------------------------

    /** Configures and starts a {@link FortiCnpSimulator}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration accessLifetime = DEFAULT_ACCESS_TOKEN_LIFETIME;
        private Duration refreshLifetime = DEFAULT_REFRESH_TOKEN_LIFETIME;
        private boolean rotate;
        private boolean https;
        private int port;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private final List<ApiCredential> credentials = new ArrayList<>();

        private Builder() {}

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

        /** Whether to speak HTTPS with the bundled test certificate; default plain HTTP. */
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

    /**
     * Runs a simulator until the process is stopped. Options: {@code --port N} (default 8080),
     * {@code --https}, {@code --credential VALUE} (repeatable; without one a random credential is
     * generated and printed), {@code --access-lifetime ISO-8601} (e.g. {@code PT30M}), {@code
     * --refresh-lifetime ISO-8601} (default {@code PT8H}), {@code --rotate-refresh-tokens}, {@code
     * --bind ADDRESS} (default loopback).
     */
    public static void main(String[] args) throws Exception {
        Builder b = builder().port(8080);
        boolean anyCredential = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--https" -> b.https(true);
                case "--rotate-refresh-tokens" -> b.rotateRefreshTokens(true);
                case "--port" -> b.port(Integer.parseInt(value(args, ++i, a)));
                case "--credential" -> {
                    b.credential(new ApiCredential(value(args, ++i, a)));
                    anyCredential = true;
                }
                case "--access-lifetime" -> b.accessTokenLifetime(Duration.parse(value(args, ++i, a)));
                case "--refresh-lifetime" -> b.refreshTokenLifetime(Duration.parse(value(args, ++i, a)));
                case "--bind" -> b.bindAddress(InetAddress.getByName(value(args, ++i, a)));
                case "--help", "-h" -> {
                    System.out.println("usage: FortiCnpSimulator [--port N] [--https] [--credential VALUE]... "
                            + "[--access-lifetime PT30M] [--refresh-lifetime PT8H] [--rotate-refresh-tokens] [--bind ADDR]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        if (!anyCredential) {
            String generated = java.util.UUID.randomUUID().toString();
            b.credential(new ApiCredential(generated));
            System.out.println("generated API credential (demo only): " + generated);
        }
        FortiCnpSimulator sim = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "forticnp-simulator-shutdown"));
        System.out.println("FortiCNP simulator listening on " + sim.baseUrl()
                + (sim.isHttps() ? " (trust the certificate from FortiCnpSimulator.certificatePem())" : ""));
        stopped.await();
        TimeUnit.MILLISECONDS.sleep(10);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
