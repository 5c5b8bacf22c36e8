package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.WriteOptions;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} in HashiCorp Vault's KV version 2 secrets engine, through the Vault Java
 * Driver.
 *
 * <p>Per account, two secrets under {@code <mount>/<prefix>/<account>/}:
 *
 * <ul>
 *   <li>{@code refresh}: the whole {@link TokenState} and the authority. Compare-and-set is KV v2's
 *       check-and-set ({@code options.cas} = the version last read, 0 to create), and the store
 *       version is that secret's KV version.
 *   <li>{@code access}: {@code access_token}, {@code token_type}, {@code expires_at} (epoch ms) and
 *       {@code state_version}, for readers whose policy may see nothing else. It is written after
 *       each successful compare-and-set, never before, so it only ever holds a token that some
 *       accepted state holds; an older writer never overwrites a newer copy. If that second write
 *       fails, the compare-and-set has still taken place: the call returns {@link
 *       CasResult.Written}, a warning is logged, and readers keep the previous copy until the next
 *       write repairs it.
 * </ul>
 *
 * The layout is documented in {@code docs/store-vault.md}. Failures map to {@code StoreFailure}: 403
 * to {@code PERMISSION_DENIED} naming the path; 5xx, sealed, network faults and timeouts to {@code
 * UNAVAILABLE}; a missing mount, 400, 405 and other setup errors, and an untrusted TLS certificate,
 * to {@code MISCONFIGURED}; a write whose answer was lost and whose read-back cannot settle it to
 * {@code OUTCOME_UNKNOWN}; unreadable data to {@code CORRUPT}; a check-and-set mismatch is a {@link
 * CasResult.Conflict}. The driver's retries are off (the engine retries). Thread-safe.
 */
public final class VaultTokenStore implements TokenStore {
    private static final Logger LOG = LoggerFactory.getLogger(VaultTokenStore.class);
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final String CAS_MISMATCH = "check-and-set parameter did not match";
    private static final String NO_ROUTE = "no handler for route";
    private static final int ACCESS_ATTEMPTS = 5;

    @FunctionalInterface
    private interface Call {
        LogicalResponse run(Vault vault) throws VaultException;
    }

    private final String address;
    private final String namespace;
    private final String mount;
    private final String prefix;
    private final VaultSession session;
    private final ConcurrentMap<AccountId, AccessSeen> accessSeen = new ConcurrentHashMap<>();

    private VaultTokenStore(Builder b, VaultSession session) {
        this.address = b.address;
        this.namespace = b.namespace;
        this.mount = b.mount;
        this.prefix = b.prefix;
        this.session = session;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<VersionedState> read(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        String path = refreshPath(account);
        LogicalResponse r = send("read", apiData(path), v -> v.logical().read(path));
        int status = status(r);
        if (status == 404 && !noMount(r)) {
            return Optional.empty();
        }
        if (status != 200) {
            throw VaultFailures.fromStatus("read", apiData(path), status, mountCheck());
        }
        if (r.getDataObject() == null) {
            throw VaultCodec.corrupt(apiData(path), "the answer has no data object");
        }
        TokenState state = VaultCodec.decodeRefresh(r.getDataObject(), apiData(path));
        Long version = kvVersion(r);
        if (version == null || version <= 0) {
            throw VaultCodec.corrupt(apiData(path), "the answer has no KV version");
        }
        return Optional.of(new VersionedState(state, version));
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(next, "next == null");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be 0 (absent) or positive, got " + expectedVersion);
        }
        String path = refreshPath(account);
        Map<String, Object> fields = VaultCodec.refreshFields(next);
        OptionalLong written = writeOrFindOut(account, path, fields, expectedVersion, next);
        if (written.isEmpty() && expectedVersion == ABSENT) {
            // KV v2 keeps the version count of a deleted secret: "absent" may mean cas = that count.
            OptionalLong deletedAt = deletedVersion(path);
            if (deletedAt.isPresent()) {
                written = writeWithCas(path, fields, deletedAt.getAsLong());
            }
        }
        if (written.isEmpty()) {
            LOG.debug("vault: compare-and-set of {} lost: version {} is no longer current", apiData(path), expectedVersion);
            return new CasResult.Conflict();
        }
        long version = written.getAsLong();
        TokenState stored = next.toStoredPrecision();
        try {
            writeAccess(account, stored, version);
        } catch (TokenException e) {
            LOG.warn("vault: account {} written as version {} at {}, but its access copy at {} was not updated ({});"
                    + " readers keep the previous copy until the next write repairs it", account, version,
                    apiData(path), apiData(accessPath(account)), e.getMessage());
            LOG.debug("vault: the failed write of the access copy at {}", apiData(accessPath(account)), e);
        }
        return new CasResult.Written(new VersionedState(stored, version));
    }

    @Override
    public List<AccountId> accounts() {
        String folder = mount + "/" + prefix + "/";
        String api = mount + "/metadata/" + prefix + "/";
        LogicalResponse r = send("list", api, v -> v.logical().list(folder));
        int status = status(r);
        if (status == 404 && !noMount(r)) {
            return List.of();
        }
        if (status != 200) {
            throw VaultFailures.fromStatus("list", api, status, mountCheck());
        }
        List<AccountId> found = new ArrayList<>();
        for (String key : r.getListData()) {
            if (!key.endsWith("/")) {
                continue;
            }
            String name = key.substring(0, key.length() - 1);
            Optional<AccountId> parsed = AccountId.parse(name);
            if (parsed.isEmpty()) {
                // anyone who can write under the prefix chooses folder names: never log one raw
                LOG.warn("vault: ignoring \"{}{}\": not an account name", api, AccountId.escaped(key));
                continue;
            }
            AccountId account = parsed.get();
            // a folder stays listed after its refresh secret was deleted; count only live state
            String path = refreshPath(account);
            LogicalResponse probe = send("read", apiData(path), v -> v.logical().read(path));
            if (status(probe) == 200) {
                found.add(account);
            } else if (status(probe) != 404) {
                throw VaultFailures.fromStatus("read", apiData(path), status(probe), mountCheck());
            }
        }
        found.sort(null);
        return List.copyOf(found);
    }

    @Override
    public String toString() {
        return "VaultTokenStore[address=" + address + ", namespace=" + (namespace == null ? "-" : namespace)
                + ", mount=" + mount + ", prefix=" + prefix + ", auth=" + session.authName() + "]";
    }

    // ---------------------------------------------------------------- internals

    /**
     * {@link #writeWithCas}, and when its outcome is unknown (the connection broke after the request
     * may have been sent, e.g. a pooled connection the server had closed) the secret is read back to
     * find out, never written blindly again: our state at the next version means it landed; the
     * version unchanged means it did not, and it is sent once more; another state at the next
     * version means another writer won. When the version has moved on by more than one, that next
     * version is read to tell whose it is. When the read-back fails, or that version is gone, the
     * outcome stays unknown and is reported as {@code OUTCOME_UNKNOWN}.
     */
    private OptionalLong writeOrFindOut(AccountId account, String path, Map<String, Object> fields, long cas, TokenState next) {
        try {
            return writeWithCas(path, fields, cas);
        } catch (TokenException unknown) {
            if (!(unknown.failure() instanceof Failure.StoreFailure f) || f.reason() != Reason.OUTCOME_UNKNOWN) {
                throw unknown;
            }
            Optional<VersionedState> now;
            try {
                now = read(account);
            } catch (TokenException stillFailing) {
                throw unknown;
            }
            long current = now.map(VersionedState::version).orElse(ABSENT);
            if (current == cas + 1 && now.get().state().equals(next.toStoredPrecision())) {
                LOG.debug("vault: write of {} had an unknown outcome; it landed as version {}", apiData(path), current);
                return OptionalLong.of(current);
            }
            if (current == cas) {
                LOG.debug("vault: write of {} had an unknown outcome; it did not land, sending it again", apiData(path));
                return writeWithCas(path, fields, cas);
            }
            if (current <= cas + 1) {
                return OptionalLong.empty(); // another writer took the version this write needed
            }
            // two or more writes since: the version right after the expected one tells whose it was
            Optional<Boolean> ours = holds(path, cas + 1, next);
            if (ours.isPresent()) {
                LOG.debug("vault: write of {} had an unknown outcome; version {} is {}", apiData(path), cas + 1,
                        ours.get() ? "ours, since built upon" : "another writer's");
                return ours.get() ? OptionalLong.of(cas + 1) : OptionalLong.empty();
            }
            throw VaultFailures.failure(Reason.OUTCOME_UNKNOWN,
                    f.detail() + " (meanwhile the version moved from " + cas + " to " + current + ")");
        }
    }

    /**
     * Whether KV version {@code version} of the secret at {@code path} holds {@code next}; empty
     * when that cannot be told (the read failed, or that version was deleted or destroyed).
     */
    private Optional<Boolean> holds(String path, long version, TokenState next) {
        LogicalResponse r;
        try {
            int v = Math.toIntExact(version);
            r = send("read", apiData(path), vault -> vault.logical().read(path, false, v));
        } catch (TokenException | ArithmeticException e) {
            return Optional.empty();
        }
        if (status(r) != 200 || r.getDataObject() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(VaultCodec.decodeRefresh(r.getDataObject(), apiData(path)).equals(next.toStoredPrecision()));
        } catch (TokenException unreadable) {
            return Optional.of(false); // not a state this store wrote
        }
    }

    /** The new KV version, or empty when the check-and-set did not match. */
    private OptionalLong writeWithCas(String path, Map<String, Object> fields, long cas) {
        LogicalResponse r = send("write", apiData(path),
                v -> v.logical().write(path, fields, null, new WriteOptions().checkAndSet(cas).build()));
        int status = status(r);
        if (status == 400 && body(r).contains(CAS_MISMATCH)) {
            return OptionalLong.empty();
        }
        if (status != 200 && status != 204) {
            throw VaultFailures.fromStatus("write", apiData(path), status, mountCheck());
        }
        String version = r.getData().get("version");
        try {
            long v = Long.parseLong(Objects.requireNonNull(version));
            if (v > 0) {
                return OptionalLong.of(v);
            }
        } catch (NumberFormatException | NullPointerException e) {
            // fall through
        }
        throw VaultFailures.failure(Reason.UNAVAILABLE, "Vault accepted the write of " + apiData(path)
                + " but did not say which version it created; read the account again");
    }

    /** The KV version of a secret whose latest version is deleted or destroyed, if that is the case. */
    private OptionalLong deletedVersion(String path) {
        LogicalResponse r = send("read", apiData(path), v -> v.logical().read(path));
        if (status(r) != 404) {
            return OptionalLong.empty();
        }
        Long version = kvVersion(r);
        return version == null || version <= 0 ? OptionalLong.empty() : OptionalLong.of(version);
    }

    /**
     * What this process last knew to be in an account's access copy: its KV version and what it
     * holds. Only a hint to save a request: every write is still a check-and-set, and a mismatch
     * falls back to reading the copy. {@code toString()} shows the token redacted.
     */
    private record AccessSeen(long kvVersion, AccessToken token, String type, long expiresMs) {
        static AccessSeen of(long kvVersion, TokenState s) {
            return new AccessSeen(kvVersion, s.accessToken(), s.tokenType(), s.accessExpiresAt().toEpochMilli());
        }

        boolean holds(TokenState s) {
            return token.equals(s.accessToken()) && type.equals(s.tokenType())
                    && expiresMs == s.accessExpiresAt().toEpochMilli();
        }
    }

    /**
     * Brings the access copy up to {@code state} (from store version {@code version}), unless a
     * copy from a newer version, or the same token, is already there. Check-and-set on the access
     * secret too, so two writers cannot interleave; an older state never replaces a newer copy.
     *
     * <p>Tokens only move forward with the store version (a state's access token is its
     * predecessor's or a newer one), which is what makes "same token: leave it" and "newer
     * state_version: leave it" safe. When this process wrote or read the copy last and nobody has
     * changed it since, the read is skipped: the check-and-set on the remembered KV version either
     * lands or tells that someone else wrote.
     */
    private void writeAccess(AccountId account, TokenState state, long version) {
        String path = accessPath(account);
        Map<String, Object> fields = VaultCodec.accessFields(state, version);
        AccessSeen seen = accessSeen.get(account);
        if (seen != null) {
            if (seen.holds(state)) {
                return;
            }
            OptionalLong kv = writeWithCas(path, fields, seen.kvVersion());
            if (kv.isPresent()) {
                accessSeen.put(account, AccessSeen.of(kv.getAsLong(), state));
                return;
            }
        }
        for (int attempt = 0; attempt < ACCESS_ATTEMPTS; attempt++) {
            LogicalResponse current = send("read", apiData(path), v -> v.logical().read(path));
            int status = status(current);
            long cas;
            if (status == 200) {
                cas = Objects.requireNonNullElse(kvVersion(current), 0L);
                long there = VaultCodec.stateVersionOf(current.getDataObject());
                if (VaultCodec.sameAccess(current.getDataObject(), state)) {
                    accessSeen.put(account, AccessSeen.of(cas, state));
                    return;
                }
                if (there >= version) {
                    accessSeen.remove(account);
                    return; // a newer token is already there
                }
            } else if (status == 404) {
                cas = Objects.requireNonNullElse(kvVersion(current), 0L);
            } else {
                throw VaultFailures.fromStatus("read", apiData(path), status, mountCheck());
            }
            OptionalLong kv = writeWithCas(path, fields, cas);
            if (kv.isPresent()) {
                accessSeen.put(account, AccessSeen.of(kv.getAsLong(), state));
                return;
            }
        }
        accessSeen.remove(account);
        throw VaultFailures.failure(Reason.UNAVAILABLE, "the access copy at " + apiData(path) + " kept changing under"
                + " concurrent writers (" + ACCESS_ATTEMPTS + " attempts)");
    }

    /**
     * One request with a token valid now. A 403 with an AppRole token leads to one new login and one
     * retry (the token may have been revoked or expired early); a 403 then is the policy's answer.
     */
    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private LogicalResponse send(String action, String apiPath, Call call) {
        for (int attempt = 0; ; attempt++) {
            Vault vault = session.vault();
            LogicalResponse r;
            try {
                r = call.run(vault);
            } catch (VaultException e) {
                // A read or list is idempotent: one more try on a fresh connection covers a pooled
                // connection that the server had closed meanwhile.
                if (attempt == 0 && (action.equals("read") || action.equals("list")) && causedByIo(e)) {
                    continue;
                }
                throw VaultFailures.fromException(action, apiPath, e, mountCheck());
            } catch (RuntimeException e) {
                // the driver's own bug or surprise; its message is not ours to vouch for
                throw VaultFailures.failure(Reason.UNAVAILABLE, "the Vault driver failed during the " + action + " of "
                        + apiPath + " (" + e.getClass().getSimpleName() + ")");
            }
            if (r == null) {
                throw VaultFailures.failure(Reason.UNAVAILABLE, "no answer from Vault to the " + action + " of " + apiPath);
            }
            int status = status(r);
            if (status == 403 && attempt == 0 && session.logsIn()) {
                session.discard(vault);
                continue;
            }
            if (status == 401 || status == 403 || VaultFailures.transientStatus(status)) {
                throw VaultFailures.fromStatus(action, apiPath, status, mountCheck());
            }
            return r;
        }
    }

    /** The KV version in a read's metadata, or null when absent or not a number. */
    private static Long kvVersion(LogicalResponse r) {
        try {
            return r.getDataMetadata().getVersion();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int status(LogicalResponse r) {
        return r.getRestResponse() == null ? 0 : r.getRestResponse().getStatus();
    }

    /** The response body, used only to recognise Vault's error text; never put into a message. */
    private static String body(LogicalResponse r) {
        byte[] b = r.getRestResponse() == null ? null : r.getRestResponse().getBody();
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    /** The driver's path (it inserts {@code data/} after the mount). */
    private String refreshPath(AccountId account) {
        return mount + "/" + prefix + "/" + account.name() + "/refresh";
    }

    private String accessPath(AccountId account) {
        return mount + "/" + prefix + "/" + account.name() + "/access";
    }

    /** What an operator checks when Vault refuses a request as invalid for its setup. */
    private String mountCheck() {
        return "the mount \"" + mount + "\"" + (namespace == null ? "" : " in namespace \"" + namespace + "\"")
                + " exists and is a KV version 2 engine, and that the path is valid";
    }

    /**
     * Whether a 404 says that no mount serves the path (Vault's "no handler for route"), rather
     * than that the secret is absent. The body is Vault's protocol text, never put into a message.
     */
    private static boolean noMount(LogicalResponse r) {
        return status(r) == 404 && body(r).contains(NO_ROUTE);
    }

    /** The HTTP API path of a secret's data, as policies and operators name it. */
    private String apiData(String driverPath) {
        return mount + "/data/" + driverPath.substring(mount.length() + 1);
    }

    /**
     * Settings of a {@link VaultTokenStore}. Required: {@link #address} and exactly one of {@link
     * #token} or {@link #appRole}.
     */
    public static final class Builder {
        private String address;
        private String token;
        private String roleId;
        private String secretId;
        private String appRoleMount = "approle";
        private String namespace;
        private String mount = "secret";
        private String prefix = "cnp-token";
        private String caPem;
        private Path caFile;
        private KeyStore trustStore;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Vault's address, e.g. {@code https://vault.example.com:8200} (what {@code VAULT_ADDR} holds). */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address == null");
            return this;
        }

        /** Authenticate with this Vault token, used as given (not renewed by the store). */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token == null");
            return this;
        }

        /** Authenticate with AppRole: log in, renew the token before it expires, log in again when needed. */
        public Builder appRole(String roleId, String secretId) {
            this.roleId = Objects.requireNonNull(roleId, "roleId == null");
            this.secretId = Objects.requireNonNull(secretId, "secretId == null");
            return this;
        }

        /** Where the AppRole auth method is mounted; default {@code approle}. */
        public Builder appRoleMount(String appRoleMount) {
            this.appRoleMount = Objects.requireNonNull(appRoleMount, "appRoleMount == null");
            return this;
        }

        /** Vault Enterprise namespace, sent as {@code X-Vault-Namespace}; default none. */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace == null");
            return this;
        }

        /** The KV version 2 mount path; default {@code secret}. May have several segments ({@code team/kv}). */
        public Builder mount(String mount) {
            this.mount = Objects.requireNonNull(mount, "mount == null");
            return this;
        }

        /** The folder under the mount that holds the accounts; default {@code cnp-token}. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix == null");
            return this;
        }

        /** Trust the CA certificate(s) in this PEM text (instead of the JVM's default trust store). */
        public Builder caCertificatePem(String pem) {
            this.caPem = Objects.requireNonNull(pem, "pem == null");
            return this;
        }

        /** Trust the CA certificate(s) in this PEM file (what {@code VAULT_CACERT} names). */
        public Builder caCertificateFile(Path file) {
            this.caFile = Objects.requireNonNull(file, "file == null");
            return this;
        }

        /** Trust the certificates in this key store (instead of the JVM's default trust store). */
        public Builder trustStore(KeyStore trustStore) {
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore == null");
            return this;
        }

        /** How long to wait for a connection; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for each answer; default 10 s, rounded up to whole seconds (the driver's unit). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** The clock that decides when the AppRole token is renewed; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Builds the store. Nothing is sent to Vault yet: an AppRole login happens on first use.
         *
         * @throws IllegalStateException when a required setting is missing or settings contradict
         * @throws IllegalArgumentException when a setting is malformed (the message names it, never a secret)
         */
        public VaultTokenStore build() {
            if (address == null) {
                throw new IllegalStateException("address is not set");
            }
            if ((token == null) == (roleId == null)) {
                throw new IllegalStateException("set exactly one of token(...) and appRole(...)");
            }
            if (token != null) {
                checkSecret(token, "token");
            }
            if (roleId != null) {
                checkSecret(roleId, "AppRole role_id");
                checkSecret(secretId, "AppRole secret_id");
            }
            if (Stream.of(caPem, caFile, trustStore).filter(Objects::nonNull).count() > 1) {
                throw new IllegalStateException("set at most one of caCertificatePem, caCertificateFile and trustStore");
            }
            String addr = checkAddress(address);
            mount = checkPath(mount, "mount");
            prefix = checkPath(prefix, "prefix");
            appRoleMount = checkPath(appRoleMount, "appRoleMount");
            if (namespace != null) {
                namespace = checkPath(namespace, "namespace");
            }
            address = addr;
            HttpClient.Builder http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(connectTimeout);
            SSLContext tls = sslContext();
            if (tls != null) {
                http.sslContext(tls);
            }
            if (!StandardCharsets.UTF_8.equals(Charset.defaultCharset())) {
                LOG.warn("vault: the JVM's default charset is {}, not UTF-8; the Vault driver decodes answers with it,"
                        + " so run with -Dfile.encoding=UTF-8 if tokens can hold non-ASCII characters",
                        Charset.defaultCharset());
            }
            if (addr.startsWith("http:") && !loopback(addr)) {
                LOG.warn("vault: {} is plain HTTP: tokens travel unencrypted", addr);
            }
            int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (requestTimeout.toMillis() + 999) / 1000));
            VaultSession session = new VaultSession(addr, namespace, mount.split("/").length, http.build(), seconds,
                    token, roleId, secretId, appRoleMount, clock);
            return new VaultTokenStore(this, session);
        }

        private SSLContext sslContext() {
            try {
                KeyStore trust = trustStore;
                if (caPem != null || caFile != null) {
                    byte[] pem = caPem != null ? caPem.getBytes(StandardCharsets.US_ASCII) : Files.readAllBytes(caFile);
                    Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(pem));
                    if (certs.isEmpty()) {
                        throw new IllegalArgumentException("the CA certificate PEM holds no certificate");
                    }
                    trust = KeyStore.getInstance(KeyStore.getDefaultType());
                    trust.load(null, null);
                    int i = 0;
                    for (Certificate c : certs) {
                        trust.setCertificateEntry("vault-ca-" + i++, c);
                    }
                }
                if (trust == null) {
                    return null;
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the CA certificate file " + caFile, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the CA certificate or trust store is not usable: "
                        + e.getClass().getSimpleName(), e);
            }
        }

        private static String checkAddress(String address) {
            URI uri;
            try {
                uri = new URI(address.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("address is not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("address must start with http:// or https://");
            }
            if (uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("address must be scheme://host[:port] with nothing else");
            }
            if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
                throw new IllegalArgumentException("address must not have a path (the API is under /v1/)");
            }
            return scheme + "://" + uri.getRawAuthority();
        }

        private static String checkPath(String value, String name) {
            String p = value.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!PATH.matcher(p).matches()) {
                throw new IllegalArgumentException(name + " must be path segments of [A-Za-z0-9._-] joined by '/', got \""
                        + (p.length() > 80 ? p.substring(0, 80) + "..." : p) + "\"");
            }
            return p;
        }

        /** Blank or with characters that cannot travel in an HTTP header or JSON string: named, not shown. */
        private static void checkSecret(String value, String name) {
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " is blank");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException(name + " has a space, control or non-ASCII character at index " + i);
                }
            }
        }

        private static boolean loopback(String address) {
            try {
                return InetAddress.getByName(URI.create(address).getHost()).isLoopbackAddress();
            } catch (IOException | IllegalArgumentException e) {
                return false;
            }
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " == null");
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
