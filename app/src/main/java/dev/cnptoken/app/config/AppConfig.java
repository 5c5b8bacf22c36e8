package dev.cnptoken.app.config;

import dev.cnptoken.domain.AccountId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of one {@code cnp-token} run, composed of one part per concern
 * ({@link #forticnp()}, {@link #engine()}, {@link #credentials()}, the stores, {@link #daemon()})
 * and the settings every command shares. Built by {@link #from(ConfigSources)}; every problem is a
 * {@link ConfigException} naming the key and where its value came from.
 */
public final class AppConfig {
    /** The token stores. */
    public enum StoreKind { FILE, REDIS, VAULT, MEMORY }

    /** Log output formats. */
    public enum LogFormat { TEXT, JSON }

    /** How long {@code rotate} and {@code token} keep retrying a transient failure, by default. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(1);
    /** Longer than this and a run outlasts any sensible job interval. */
    static final Duration MAX_MAX_WAIT = Duration.ofHours(1);

    private final ConfigSources sources;
    private final StoreKind store;
    private final List<AccountId> accounts;
    private final int concurrency;
    private final Duration maxWait;
    private final LogFormat logFormat;
    private final FortiCnpConfig forticnp;
    private final EngineConfig engine;
    private final CredentialsConfig credentials;
    private final FileStoreConfig file;
    private final RedisConfig redis;
    private final VaultConfig vault;
    private final DaemonConfig daemon;
    private final Map<Key, Path> secretFiles;

    private AppConfig(ConfigSources s) {
        ValueParser p = new ValueParser(s);
        this.sources = s;
        this.store = p.choice(Key.STORE, StoreKind.class, StoreKind.FILE);
        this.accounts = accounts(p);
        this.concurrency = p.integer(Key.CONCURRENCY, 32, 1, 256);
        this.maxWait = p.duration(Key.MAX_WAIT, DEFAULT_MAX_WAIT, Duration.ZERO, MAX_MAX_WAIT);
        this.logFormat = p.choice(Key.LOG_FORMAT, LogFormat.class, LogFormat.TEXT);
        this.forticnp = FortiCnpConfig.from(p);
        this.engine = EngineConfig.from(p, forticnp.callTimeout());
        this.credentials = CredentialsConfig.from(p);
        this.file = FileStoreConfig.from(p);
        this.redis = RedisConfig.from(p);
        this.vault = VaultConfig.from(p);
        this.daemon = DaemonConfig.from(p);
        Map<Key, Path> files = new java.util.LinkedHashMap<>();
        for (Key k : List.of(Key.FILE_KEY_FILE, Key.CREDENTIAL_FILE, Key.REDIS_PASSWORD_FILE, Key.VAULT_TOKEN_FILE,
                Key.VAULT_SECRET_ID_FILE)) {
            p.path(k).ifPresent(path -> files.put(k, path));
        }
        this.secretFiles = java.util.Collections.unmodifiableMap(files);
        switch (store) {
            case REDIS -> redis.requireComplete();
            case VAULT -> vault.requireComplete();
            default -> {
                // file and memory need nothing more
            }
        }
    }

    /**
     * Validates the sources into a configuration.
     *
     * @throws ConfigException naming the first key that is wrong
     */
    public static AppConfig from(ConfigSources sources) {
        return new AppConfig(Objects.requireNonNull(sources, "sources == null"));
    }

    /** The default search path for a configuration file, first match wins. */
    public static List<Path> defaultSearchPath(Map<String, String> env) {
        List<Path> paths = new ArrayList<>();
        paths.add(Path.of("cnp-token.yaml"));
        paths.add(Path.of("cnp-token.yml"));
        paths.add(Path.of("cnp-token.properties"));
        String xdg = env.get("XDG_CONFIG_HOME");
        Path configHome = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        paths.add(configHome.resolve("cnp-token").resolve("config.yaml"));
        paths.add(Path.of("/etc/cnp-token/config.yaml"));
        return paths;
    }

    /** The raw sources: the file read, and the environment (for per-account credentials). */
    public ConfigSources sources() {
        return sources;
    }

    /** The token store to use; its settings are {@link #file()}, {@link #redis()} or {@link #vault()}. */
    public StoreKind store() {
        return store;
    }

    /** The configured accounts (possibly none: then commands work on the store's accounts). */
    public List<AccountId> accounts() {
        return accounts;
    }

    /**
     * {@code rotate} and {@code run}: accounts refreshed at once; default 32, as a refresh mostly
     * waits on FortiCNP (I/O-bound), and the Redis store's pool follows it.
     */
    public int concurrency() {
        return concurrency;
    }

    /** {@code rotate} and {@code token}: how long one run keeps retrying an account that fails transiently. */
    public Duration maxWait() {
        return maxWait;
    }

    public LogFormat logFormat() {
        return logFormat;
    }

    /** How to reach FortiCNP. */
    public FortiCnpConfig forticnp() {
        return forticnp;
    }

    /** The engine's timing policy. */
    public EngineConfig engine() {
        return engine;
    }

    /** Where the API credentials are configured. */
    public CredentialsConfig credentials() {
        return credentials;
    }

    /** The file store's settings (defaults when another store is used). */
    public FileStoreConfig file() {
        return file;
    }

    /** The Redis store's settings (complete when {@code store=redis}). */
    public RedisConfig redis() {
        return redis;
    }

    /** The Vault store's settings (complete when {@code store=vault}). */
    public VaultConfig vault() {
        return vault;
    }

    /**
     * The files holding a secret that the configuration names ({@code file_key_file}, {@code
     * credential_file}, {@code redis_password_file}, {@code vault_token_file}, {@code
     * vault_secret_id_file}), in that order: for {@code doctor}'s report of their modes.
     */
    public Map<Key, Path> secretFiles() {
        return secretFiles;
    }

    /** The daemon's settings. */
    public DaemonConfig daemon() {
        return daemon;
    }

    private static List<AccountId> accounts(ValueParser p) {
        Optional<ConfigSources.Value> v = p.raw(Key.ACCOUNTS);
        if (v.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<AccountId> ids = new LinkedHashSet<>();
        for (String part : v.get().text().split(",")) {
            String name = part.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                if (!ids.add(AccountId.of(name))) {
                    throw ConfigException.of(Key.ACCOUNTS, v.get(), "account '" + name + "' is listed twice");
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.of(Key.ACCOUNTS, v.get(), e.getMessage());
            }
        }
        return List.copyOf(ids);
    }

    @Override
    public String toString() {
        return "AppConfig[baseUrl=" + forticnp.baseUrl() + ", transport=" + forticnp.transport() + ", store=" + store
                + ", accounts=" + accounts + "]";
    }
}
