package dev.cnptoken.adapters.store.redis;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.crypto.EncryptionKey;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.Pool;

/**
 * A {@link TokenStore} in Redis (standalone, Sentinel or Cluster), through Jedis.
 *
 * <p>Per account two hashes share the hash tag {@code {<account>}}: {@code <prefix>:{<account>}:access}
 * holds what readers need ({@code access_token}, {@code token_type}, {@code expires_at} in epoch
 * milliseconds) and expires with the token; {@code <prefix>:{<account>}:refresh} is the authoritative
 * record with the whole state and its {@code version}. A Lua script compares the version and writes
 * both hashes atomically; a read is one {@code HGETALL} of the refresh hash. The layout is a public
 * contract, documented in {@code docs/store-redis.md}.
 *
 * <p>With an encryption key ({@link Builder#encryptionKeyFile}, {@link Builder#encryptionKey}) the
 * refresh token and the kept credential are sealed with AES-256-GCM in the refresh hash (see {@link
 * RedisSecrets}); the access hash and the fields the script compares stay in the clear.
 *
 * <p>Thread-safe. Close it to release the connection pool it created; a client passed to {@link
 * Builder#client} stays open and belongs to the caller.
 */
public final class RedisTokenStore implements TokenStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisTokenStore.class);
    private static final int SCAN_BATCH = 500;

    private final UnifiedJedis client;
    private final boolean ownsClient;
    private final RedisKeys keyNames;
    private final String who;
    private final RedisSecrets secrets;
    private final String writerId;
    private final AtomicLong writes = new AtomicLong();

    private RedisTokenStore(UnifiedJedis client, boolean ownsClient, RedisKeys keyNames, String who,
            RedisSecrets secrets) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.keyNames = keyNames;
        this.who = who;
        this.secrets = secrets;
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.writerId = HexFormat.of().formatHex(random);
    }

    /** A builder; {@link Builder#uri} or {@link Builder#client} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<VersionedState> read(AccountId account) {
        Objects.requireNonNull(account, "account == null");
        String key = keyNames.refreshKey(account);
        Map<String, String> hash = idempotent("read", key, () -> client.hgetAll(key));
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        RedisCodec.Decoded decoded = decode(account, key, hash);
        return Optional.of(new VersionedState(decoded.state(), decoded.version()));
    }

    @Override
    public CasResult compareAndSet(AccountId account, long expectedVersion, TokenState next) {
        Objects.requireNonNull(account, "account == null");
        Objects.requireNonNull(next, "next == null");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must not be negative, got " + expectedVersion);
        }
        String refreshKey = keyNames.refreshKey(account);
        List<String> keys = List.of(refreshKey, keyNames.accessKey(account));
        String writeId = writerId + "-" + writes.incrementAndGet();
        List<String> args = secrets.seal(account, RedisCodec.scriptArguments(expectedVersion, writeId, next));
        Object reply;
        try {
            reply = runScript(keys, args);
        } catch (JedisException e) {
            if (!RedisFailures.isConnectionLoss(e) || RedisFailures.certainlyNotSent(e)) {
                throw RedisFailures.translate(e, "compare-and-set", refreshKey, who);
            }
            return settleUnknownOutcome(account, refreshKey, keys, args, expectedVersion, writeId, next, e);
        }
        return interpret(reply, refreshKey, next);
    }

    @Override
    public List<AccountId> accounts() {
        String pattern = keyNames.refreshKeyPattern();
        return idempotent("scan", pattern, () -> {
            Set<AccountId> found = new TreeSet<>();
            ScanIteration scan = client.scanIteration(SCAN_BATCH, pattern, "hash");
            while (!scan.isIterationCompleted()) {
                for (String key : scan.nextBatchList()) {
                    Optional<AccountId> account = keyNames.accountOf(key);
                    if (account.isPresent()) {
                        found.add(account.get());
                    } else {
                        // anyone who can write to Redis chooses key names: never log one raw
                        log.warn("redis store: ignoring key \"{}\" that matches the key pattern but names no valid"
                                + " account", AccountId.escaped(key));
                    }
                }
            }
            return List.copyOf(found);
        });
    }

    /** Closes the connection pool if this store created it. */
    @Override
    public void close() {
        if (ownsClient) {
            try {
                client.close();
            } catch (RuntimeException e) {
                log.warn("redis store: closing the client of {} failed ({})", who, e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public String toString() {
        return "RedisTokenStore[" + who + ", prefix=" + keyNames.prefix() + ", encryption=" + secrets.describe() + "]";
    }

    private Object runScript(List<String> keys, List<String> args) {
        try {
            return client.evalsha(CasScript.SHA1, keys, args);
        } catch (JedisNoScriptException e) {
            // the script cache was flushed or this node never saw the script: nothing ran, so EVAL is
            // safe; it also puts the script back into the cache for the next EVALSHA
            log.debug("redis store: script cache of {} lacks the compare-and-set script, sending it again", who);
            return client.eval(CasScript.SOURCE, keys, args);
        }
    }

    private CasResult interpret(Object reply, String refreshKey, TokenState next) {
        if (!(reply instanceof List<?> list) || list.size() != 2 || !(list.get(0) instanceof Long code)
                || !(list.get(1) instanceof Long version)) {
            throw RedisFailures.unavailable("redis " + who + " answered the compare-and-set on key " + refreshKey
                    + " with an unexpected reply");
        }
        if (code == 1) {
            return new CasResult.Written(new VersionedState(next.toStoredPrecision(), version));
        }
        if (code == 0) {
            return new CasResult.Conflict();
        }
        throw RedisFailures.corrupt(refreshKey, who, "field " + RedisCodec.VERSION + " is not a whole number");
    }

    /**
     * The script was sent but its reply was lost: read the record once to learn whether the write
     * landed. Only when the record still shows the expected version is the call sent once more, with
     * the same write id, which the script recognises if the first call lands in the meantime.
     */
    private CasResult settleUnknownOutcome(AccountId account, String refreshKey, List<String> keys, List<String> args,
            long expected, String writeId, TokenState next, JedisException lost) {
        log.warn("redis store: connection to {} lost during compare-and-set on key {} ({}); re-reading to learn"
                + " whether it landed", who, refreshKey, RedisFailures.describe(lost));
        log.debug("redis store: the compare-and-set connection failure on key {}", refreshKey, lost);
        dropIdleConnections();
        Map<String, String> hash;
        try {
            hash = client.hgetAll(refreshKey);
        } catch (JedisException e) {
            if (!RedisFailures.isConnectionLoss(e)) {
                TokenException reread = RedisFailures.translate(e, "re-read", refreshKey, who);
                throw RedisFailures.outcomeUnknown("compare-and-set on key " + refreshKey + " in redis " + who
                        + " lost its connection, and re-reading the key failed: "
                        + reread.failure().describe(), null);
            }
            throw RedisFailures.outcomeUnknown("compare-and-set on key " + refreshKey + " in redis " + who
                    + " lost its connection and the key could not be re-read (" + RedisFailures.describe(e) + ")", e);
        }
        if (writeId.equals(hash.get(RedisCodec.WRITE_ID))) {
            RedisCodec.Decoded landed = decode(account, refreshKey, hash);
            log.debug("redis store: the compare-and-set on key {} had landed (version {})", refreshKey, landed.version());
            return new CasResult.Written(new VersionedState(landed.state(), landed.version()));
        }
        long current;
        try {
            current = RedisCodec.versionOf(hash);
        } catch (RedisCodec.CorruptRecord e) {
            throw RedisFailures.corrupt(refreshKey, who, e.getMessage());
        }
        if (current == expected) {
            log.debug("redis store: the compare-and-set on key {} had not landed; sending it once more", refreshKey);
            try {
                return interpret(runScript(keys, args), refreshKey, next);
            } catch (JedisException e) {
                if (RedisFailures.isConnectionLoss(e) && !RedisFailures.certainlyNotSent(e)) {
                    throw RedisFailures.outcomeUnknown("compare-and-set on key " + refreshKey + " in redis " + who
                            + " lost its connection twice (" + RedisFailures.describe(e) + ")", e);
                }
                throw RedisFailures.translate(e, "compare-and-set", refreshKey, who);
            }
        }
        if (current == expected + 1 || current < expected) {
            // another writer holds the version this write needed: it did not land and never will
            return new CasResult.Conflict();
        }
        throw RedisFailures.outcomeUnknown("compare-and-set on key " + refreshKey + " in redis " + who
                + " lost its connection, and the version has since moved from " + expected + " to " + current, lost);
    }

    /** Runs a command that is safe to repeat; after a lost connection it is tried once more on a fresh one. */
    private <T> T idempotent(String action, String key, Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException first) {
            if (!RedisFailures.isConnectionLoss(first) || RedisFailures.certainlyNotSent(first)) {
                throw RedisFailures.translate(first, action, key, who);
            }
            log.debug("redis store: connection to {} lost during {} of {} ({}); retrying on a fresh connection", who,
                    action, key, RedisFailures.describe(first));
            dropIdleConnections();
            try {
                return command.get();
            } catch (JedisException second) {
                throw RedisFailures.translate(second, action, key, who);
            }
        }
    }

    private RedisCodec.Decoded decode(AccountId account, String key, Map<String, String> hash) {
        try {
            return RedisCodec.decode(secrets.open(account, hash));
        } catch (RedisCodec.CorruptRecord e) {
            throw RedisFailures.corrupt(key, who, e.getMessage());
        }
    }

    /** After a server restart every idle pooled connection is dead: drop them, so the next call dials anew. */
    private void dropIdleConnections() {
        try {
            if (client instanceof RedisClient standalone) {
                standalone.getPool().clear();
            } else if (client instanceof RedisClusterClient cluster) {
                cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
            } else if (client instanceof RedisSentinelClient sentinel) {
                for (Pool<?> pool : sentinel.getPrimaryNodesConnectionMap().values()) {
                    pool.clear();
                }
            }
        } catch (RuntimeException e) {
            log.debug("redis store: could not drop idle connections of {} ({})", who, e.getClass().getSimpleName());
        }
    }

    /**
     * Builds a {@link RedisTokenStore}. Give either {@link #uri} (the store then creates and owns its
     * connection pool) or {@link #client} (an existing Jedis client, closed by the caller).
     */
    public static final class Builder {
        private String uri;
        private UnifiedJedis client;
        private String keyPrefix = "cnp";
        private String user;
        private String password;
        private Duration connectTimeout;
        private Duration socketTimeout;
        private Integer poolSize;
        private String clientName;
        private Path trustStore;
        private char[] trustStorePassword;
        private Path keyStore;
        private char[] keyStorePassword;
        private List<String> clusterNodes;
        private String sentinelMaster;
        private List<String> sentinelNodes;
        private String sentinelUser;
        private String sentinelPassword;
        private Path keyFile;
        private String keyText;
        private String keyOrigin;
        private Path previousKeyFile;

        private Builder() {}

        /**
         * Where Redis is: {@code redis[s]://[[user]:password@]host[:port][/database][?options]}, with
         * options {@code connectTimeout} and {@code timeout} (milliseconds), {@code poolSize} and {@code
         * clientName}. {@code rediss} turns on TLS, checking the certificate (against the JVM's trust
         * store unless {@link #trustStore} is set) and the host name. In cluster mode the host is a seed node; in sentinel mode it is
         * the first sentinel.
         */
        public Builder uri(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri == null");
            return this;
        }

        /** An existing client (standalone, cluster or sentinel); the caller keeps ownership and closes it. */
        public Builder client(UnifiedJedis client) {
            this.client = Objects.requireNonNull(client, "client == null");
            return this;
        }

        /** The first part of every key, {@code cnp} by default. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix == null");
            return this;
        }

        /** The ACL user; overrides the one in the URI. */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user == null");
            return this;
        }

        /** The password; overrides the one in the URI, so the URI can stay free of secrets. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password == null");
            return this;
        }

        /** How long to wait for a connection to open; default 2 s (or the URI's {@code connectTimeout}). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for a reply; default 2 s (or the URI's {@code timeout}). */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = positive(timeout, "socketTimeout");
            return this;
        }

        /** Connections per Redis node; default 8 (or the URI's {@code poolSize}). */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /** The name shown by {@code CLIENT LIST}; default {@code cnp-token}. */
        public Builder clientName(String clientName) {
            this.clientName = Objects.requireNonNull(clientName, "clientName == null");
            return this;
        }

        /**
         * The trust store (PKCS12 or JKS) that {@code rediss://} checks the server certificate against,
         * instead of the JVM's default one. The host name is always verified.
         */
        public Builder trustStore(Path file, char[] password) {
            this.trustStore = Objects.requireNonNull(file, "file == null");
            this.trustStorePassword = Objects.requireNonNull(password, "password == null").clone();
            return this;
        }

        /** The key store (PKCS12 or JKS) with a client certificate, for servers that require one. */
        public Builder keyStore(Path file, char[] password) {
            this.keyStore = Objects.requireNonNull(file, "file == null");
            this.keyStorePassword = Objects.requireNonNull(password, "password == null").clone();
            return this;
        }

        /**
         * Talks to a Redis Cluster. The URI's host and port are a seed node; {@code moreSeedNodes}
         * ({@code host:port}) are further ones. The database must be 0.
         */
        public Builder cluster(String... moreSeedNodes) {
            Objects.requireNonNull(moreSeedNodes, "moreSeedNodes == null");
            this.clusterNodes = List.of(moreSeedNodes);
            return this;
        }

        /**
         * Talks to the primary that Redis Sentinel names {@code masterName}. The URI's host and port
         * are a sentinel; {@code moreSentinels} ({@code host:port}) are further ones. The URI's user,
         * password, database and TLS apply to the primary.
         */
        public Builder sentinel(String masterName, String... moreSentinels) {
            this.sentinelMaster = Objects.requireNonNull(masterName, "masterName == null");
            Objects.requireNonNull(moreSentinels, "moreSentinels == null");
            this.sentinelNodes = List.of(moreSentinels);
            return this;
        }

        /** Credentials for the sentinels themselves, when they require them. */
        public Builder sentinelCredentials(String user, String password) {
            this.sentinelUser = user;
            this.sentinelPassword = Objects.requireNonNull(password, "password == null");
            return this;
        }

        /**
         * Encrypts the refresh token and the kept credential in the refresh hash with the AES-256 key
         * in {@code keyFile}: 32 random bytes in standard base64, e.g. made by {@code openssl rand
         * -base64 32 > key; chmod 600 key}; on POSIX file systems the file must not be accessible by
         * group or others. Records written without a key still read, and are sealed at their next
         * write.
         */
        public Builder encryptionKeyFile(Path keyFile) {
            this.keyFile = Objects.requireNonNull(keyFile, "keyFile == null");
            return this;
        }

        /**
         * Encrypts as {@link #encryptionKeyFile} with an AES-256 key the caller has already read, in
         * base64 (from an environment variable, say); {@code origin} names where it came from in
         * error messages; the key itself is never shown.
         */
        public Builder encryptionKey(String base64, String origin) {
            this.keyText = Objects.requireNonNull(base64, "base64 == null");
            this.keyOrigin = Objects.requireNonNull(origin, "origin == null");
            return this;
        }

        /**
         * During a key rotation: records still sealed with the key in {@code previousKeyFile} (same
         * format and rules as {@link #encryptionKeyFile}) are read, and each is sealed with the current
         * key at its next write. Needs a current key.
         */
        public Builder previousEncryptionKeyFile(Path previousKeyFile) {
            this.previousKeyFile = Objects.requireNonNull(previousKeyFile, "previousKeyFile == null");
            return this;
        }

        /**
         * Creates the store. A cluster or sentinel client contacts its nodes here.
         *
         * @throws IllegalArgumentException when the settings are incomplete or invalid
         * @throws TokenException with a {@code StoreFailure} when a cluster or sentinel cannot be reached;
         *     {@code NotConfigured} when an encryption key is missing, malformed, not 32 bytes, or its
         *     file is accessible by group or others
         */
        public RedisTokenStore build() {
            RedisKeys keyNames = new RedisKeys(keyPrefix);
            RedisSecrets secrets = secrets();
            if ((uri == null) == (client == null)) {
                throw new IllegalArgumentException("set exactly one of uri(...) and client(...)");
            }
            if (clusterNodes != null && sentinelMaster != null) {
                throw new IllegalArgumentException("cluster(...) and sentinel(...) exclude each other");
            }
            if (client != null) {
                if (user != null || password != null || connectTimeout != null || socketTimeout != null
                        || poolSize != null || clientName != null || trustStore != null || keyStore != null
                        || clusterNodes != null || sentinelMaster != null) {
                    throw new IllegalArgumentException("connection settings do not apply to a client(...) given by the"
                            + " caller; configure that client instead");
                }
                return new RedisTokenStore(client, false, keyNames, "client " + client.getClass().getSimpleName(),
                        secrets);
            }
            RedisUri parsed = RedisUri.parse(uri);
            DefaultJedisClientConfig config = clientConfig(parsed);
            ConnectionPoolConfig pool = poolConfig(parsed);
            HostAndPort first = new HostAndPort(parsed.host(), parsed.port());
            String userName = user != null ? user : parsed.user().orElse("default");
            try {
                if (clusterNodes != null) {
                    if (parsed.database().orElse(0) != 0) {
                        throw new IllegalArgumentException("Redis Cluster has only database 0, the URI names database "
                                + parsed.database().getAsInt());
                    }
                    Set<HostAndPort> nodes = nodes(first, clusterNodes, "cluster seed node");
                    RedisClusterClient cluster = RedisClusterClient.builder()
                            .nodes(nodes)
                            .clientConfig(config)
                            .poolConfig(pool)
                            .build();
                    return new RedisTokenStore(cluster, true, keyNames,
                            "cluster " + nodes + " as " + userName, secrets);
                }
                if (sentinelMaster != null) {
                    Set<HostAndPort> sentinels = nodes(first, sentinelNodes, "sentinel");
                    DefaultJedisClientConfig.Builder sentinelConfig = DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(config.getConnectionTimeoutMillis())
                            .socketTimeoutMillis(config.getSocketTimeoutMillis())
                            .clientName(config.getClientName());
                    if (parsed.tls()) {
                        sentinelConfig.sslOptions(config.getSslOptions());
                    }
                    if (sentinelPassword != null) {
                        sentinelConfig.user(sentinelUser).password(sentinelPassword);
                    }
                    RedisSentinelClient sentinel = RedisSentinelClient.builder()
                            .masterName(sentinelMaster)
                            .sentinels(sentinels)
                            .clientConfig(config)
                            .sentinelClientConfig(sentinelConfig.build())
                            .poolConfig(pool)
                            .build();
                    return new RedisTokenStore(sentinel, true, keyNames,
                            "sentinel master " + sentinelMaster + " via " + sentinels + " as " + userName,
                            secrets);
                }
                RedisClient standalone = RedisClient.builder()
                        .hostAndPort(first)
                        .clientConfig(config)
                        .poolConfig(pool)
                        .build();
                return new RedisTokenStore(standalone, true, keyNames, parsed.redacted() + " as " + userName, secrets);
            } catch (JedisException e) {
                throw RedisFailures.translate(e, "connect and discover the nodes for", keyNames.refreshKeyPattern(),
                        parsed.redacted());
            }
        }

        private DefaultJedisClientConfig clientConfig(RedisUri parsed) {
            DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(millis(connectTimeout, parsed.connectTimeout()))
                    .socketTimeoutMillis(millis(socketTimeout, parsed.socketTimeout()))
                    .clientName(clientName != null ? clientName : parsed.clientName().orElse("cnp-token"));
            Optional<String> u = user != null ? Optional.of(user) : parsed.user();
            Optional<String> p = password != null ? Optional.of(password) : parsed.password();
            if (parsed.userWithoutPassword() && password == null) {
                throw new IllegalArgumentException("the redis URI names a user without a password (user@host): write"
                        + " user:password@host, or give the password with password(...)");
            }
            if (u.isPresent() && p.isEmpty()) {
                throw new IllegalArgumentException("an ACL user needs a password (in the URI or password(...))");
            }
            u.ifPresent(b::user);
            p.ifPresent(b::password);
            parsed.database().ifPresent(b::database);
            if ((trustStore != null || keyStore != null) && !parsed.tls()) {
                throw new IllegalArgumentException("trustStore(...) and keyStore(...) need a rediss:// URI");
            }
            if (parsed.tls()) {
                // FULL: the certificate chain and the host name are both checked
                SslOptions.Builder tls = SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL);
                if (trustStore != null) {
                    tls.truststore(trustStore.toFile(), trustStorePassword);
                }
                if (keyStore != null) {
                    tls.keystore(keyStore.toFile(), keyStorePassword);
                }
                b.sslOptions(tls.build());
            }
            return b.build();
        }

        private ConnectionPoolConfig poolConfig(RedisUri parsed) {
            int size = poolSize != null ? poolSize : parsed.poolSize().orElse(8);
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(size);
            pool.setMaxIdle(size);
            pool.setMinIdle(0);
            // no pool MBean: registering one starts the platform MBean server, about 0.1 s of a
            // one-shot command's start-up, and nothing reads it (metrics come from the engine)
            pool.setJmxEnabled(false);
            pool.setBlockWhenExhausted(true);
            // wait for a free connection no longer than a command may take
            pool.setMaxWait(Duration.ofMillis(millis(socketTimeout, parsed.socketTimeout())));
            return pool;
        }

        /** Loads the keys, before any connection is made; no key: records in the clear. */
        private RedisSecrets secrets() {
            if (keyFile != null && keyText != null) {
                throw new IllegalStateException("set one key source, not both: encryptionKeyFile and encryptionKey");
            }
            if (keyFile == null && keyText == null) {
                if (previousKeyFile != null) {
                    throw new IllegalStateException("previousEncryptionKeyFile needs a current key: set"
                            + " encryptionKeyFile or encryptionKey too");
                }
                return RedisSecrets.plain();
            }
            EncryptionKey key = keyFile != null ? EncryptionKey.fromFile(keyFile) : EncryptionKey.fromText(keyText, keyOrigin);
            Optional<EncryptionKey> previous = Optional.ofNullable(previousKeyFile).map(EncryptionKey::fromFile);
            return RedisSecrets.sealedWith(key, previous);
        }

        private static int millis(Duration explicit, Optional<Duration> fromUri) {
            Duration d = explicit != null ? explicit : fromUri.orElse(Duration.ofSeconds(2));
            return (int) Math.min(d.toMillis(), Integer.MAX_VALUE);
        }

        private static Set<HostAndPort> nodes(HostAndPort first, List<String> more, String what) {
            Set<HostAndPort> nodes = new LinkedHashSet<>();
            nodes.add(first);
            List<String> bad = new ArrayList<>();
            for (String node : more) {
                Objects.requireNonNull(node, what + " == null");
                int colon = node.lastIndexOf(':');
                try {
                    if (colon <= 0) {
                        throw new NumberFormatException();
                    }
                    int port = Integer.parseInt(node.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    nodes.add(new HostAndPort(node.substring(0, colon), port));
                } catch (NumberFormatException e) {
                    bad.add(RedisUri.printable(node));
                }
            }
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException(what + " must be host:port, got " + bad);
            }
            return nodes;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name + " == null");
            if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, got " + d);
            }
            return d;
        }
    }
}
