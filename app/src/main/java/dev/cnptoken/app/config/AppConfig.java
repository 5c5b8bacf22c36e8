package dev.cnptoken.app.config;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.engine.EngineSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated configuration of one {@code cnp-token} run. Built by {@link #from(ConfigSources)};
 * every problem is a {@link ConfigException} naming the key and where its value came from.
 */
public final class AppConfig {
    /** The FortiCNP hosts with presets. */
    public static final URI GLOBAL = URI.create("https://www.forticnp.com");
    public static final URI EU = URI.create("https://eu.forticnp.com");

    /** The HTTP transports. */
    public enum Transport { FEIGN, RETROFIT }

    /** The token stores. */
    public enum StoreKind { FILE, REDIS, VAULT, MEMORY }

    /** Log output formats. */
    public enum LogFormat { TEXT, JSON }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final ConfigSources sources;
    private final URI baseUrl;
    private final Transport transport;
    private final StoreKind store;
    private final List<AccountId> accounts;
    private final Path fileDir;
    private final Optional<Path> fileKeyFile;
    private final Optional<Secret> fileKey;
    private final Optional<Secret> redisUrl;
    private final Optional<Secret> redisPassword;
    private final String redisKeyPrefix;
    private final Optional<URI> vaultAddr;
    private final Optional<Secret> vaultToken;
    private final Optional<String> vaultRoleId;
    private final Optional<Secret> vaultSecretId;
    private final String vaultMount;
    private final String vaultPrefix;
    private final Optional<String> vaultNamespace;
    private final Optional<Path> vaultCaFile;
    private final Optional<Path> caFile;
    private final Optional<URI> httpProxy;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final boolean allowInsecureHttp;
    private final EngineSettings engine;
    private final int concurrency;
    private final InetSocketAddress listen;
    private final LogFormat logFormat;

    private AppConfig(ConfigSources s) {
        this.sources = s;
        this.baseUrl = baseUrl(s);
        this.transport = choice(s, Key.TRANSPORT, Transport.class, Transport.FEIGN);
        this.store = choice(s, Key.STORE, StoreKind.class, StoreKind.FILE);
        this.accounts = accounts(s);
        this.fileDir = s.get(Key.FILE_DIR).map(v -> path(v.text()))
                .orElse(Path.of(System.getProperty("user.home"), ".cnp-token", "store"));
        this.fileKeyFile = s.get(Key.FILE_KEY_FILE).map(v -> existingFile(Key.FILE_KEY_FILE, v));
        this.fileKey = s.get(Key.FILE_KEY).map(v -> new Secret(v.text().strip(), v.origin()));
        this.redisUrl = s.get(Key.REDIS_URL).map(v -> redisUrl(v));
        this.redisPassword = s.get(Key.REDIS_PASSWORD_FILE).map(v -> readSecretFile(Key.REDIS_PASSWORD_FILE, v));
        this.redisKeyPrefix = s.get(Key.REDIS_KEY_PREFIX).map(ConfigSources.Value::text).orElse("cnp");
        this.vaultAddr = s.get(Key.VAULT_ADDR).map(v -> httpUri(Key.VAULT_ADDR, v));
        this.vaultToken = s.get(Key.VAULT_TOKEN).map(v -> new Secret(v.text().strip(), v.origin()))
                .or(() -> s.get(Key.VAULT_TOKEN_FILE).map(v -> readSecretFile(Key.VAULT_TOKEN_FILE, v)));
        this.vaultRoleId = s.get(Key.VAULT_ROLE_ID).map(ConfigSources.Value::text);
        this.vaultSecretId = s.get(Key.VAULT_SECRET_ID).map(v -> new Secret(v.text().strip(), v.origin()))
                .or(() -> s.get(Key.VAULT_SECRET_ID_FILE).map(v -> readSecretFile(Key.VAULT_SECRET_ID_FILE, v)));
        this.vaultMount = s.get(Key.VAULT_MOUNT).map(ConfigSources.Value::text).orElse("secret");
        this.vaultPrefix = s.get(Key.VAULT_PREFIX).map(ConfigSources.Value::text).orElse("cnp-token");
        this.vaultNamespace = s.get(Key.VAULT_NAMESPACE).map(ConfigSources.Value::text);
        this.vaultCaFile = s.get(Key.VAULT_CA_FILE).map(v -> existingFile(Key.VAULT_CA_FILE, v));
        this.caFile = s.get(Key.CA_FILE).map(v -> existingFile(Key.CA_FILE, v));
        this.httpProxy = s.get(Key.HTTP_PROXY).map(v -> httpUri(Key.HTTP_PROXY, v));
        this.connectTimeout = duration(s, Key.CONNECT_TIMEOUT, Duration.ofSeconds(10));
        this.readTimeout = duration(s, Key.READ_TIMEOUT, Duration.ofSeconds(30));
        this.allowInsecureHttp = bool(s, Key.ALLOW_INSECURE_HTTP, false);
        this.engine = engine(s, connectTimeout.plus(readTimeout));
        this.concurrency = integer(s, Key.CONCURRENCY, 4, 1, 256);
        this.listen = listen(s);
        this.logFormat = choice(s, Key.LOG_FORMAT, LogFormat.class, LogFormat.TEXT);
        requireStoreSettings();
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
    public static List<Path> defaultSearchPath(java.util.Map<String, String> env) {
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

    public ConfigSources sources() {
        return sources;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public Transport transport() {
        return transport;
    }

    public StoreKind store() {
        return store;
    }

    /** The configured accounts (possibly none: then commands work on the store's accounts). */
    public List<AccountId> accounts() {
        return accounts;
    }

    public Path fileDir() {
        return fileDir;
    }

    public Optional<Path> fileKeyFile() {
        return fileKeyFile;
    }

    public Optional<Secret> fileKey() {
        return fileKey;
    }

    public Optional<Secret> redisUrl() {
        return redisUrl;
    }

    public Optional<Secret> redisPassword() {
        return redisPassword;
    }

    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    public Optional<URI> vaultAddr() {
        return vaultAddr;
    }

    public Optional<Secret> vaultToken() {
        return vaultToken;
    }

    public Optional<String> vaultRoleId() {
        return vaultRoleId;
    }

    public Optional<Secret> vaultSecretId() {
        return vaultSecretId;
    }

    public String vaultMount() {
        return vaultMount;
    }

    public String vaultPrefix() {
        return vaultPrefix;
    }

    public Optional<String> vaultNamespace() {
        return vaultNamespace;
    }

    public Optional<Path> vaultCaFile() {
        return vaultCaFile;
    }

    public Optional<Path> caFile() {
        return caFile;
    }

    public Optional<URI> httpProxy() {
        return httpProxy;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public boolean allowInsecureHttp() {
        return allowInsecureHttp;
    }

    public EngineSettings engine() {
        return engine;
    }

    public int concurrency() {
        return concurrency;
    }

    public InetSocketAddress listen() {
        return listen;
    }

    public LogFormat logFormat() {
        return logFormat;
    }

    private void requireStoreSettings() {
        switch (store) {
            case REDIS -> {
                if (redisUrl.isEmpty()) {
                    throw new ConfigException(Key.REDIS_URL.fileName() + ": required with store=redis (set "
                            + Key.REDIS_URL.envName() + ")");
                }
            }
            case VAULT -> {
                if (vaultAddr.isEmpty()) {
                    throw new ConfigException(Key.VAULT_ADDR.fileName() + ": required with store=vault (set "
                            + Key.VAULT_ADDR.envName() + ")");
                }
                if (vaultToken.isEmpty() && (vaultRoleId.isEmpty() || vaultSecretId.isEmpty())) {
                    throw new ConfigException(Key.VAULT_TOKEN.fileName() + ": store=vault needs a Vault token ("
                            + Key.VAULT_TOKEN.envName() + " or vault_token_file) or AppRole credentials ("
                            + Key.VAULT_ROLE_ID.envName() + " and " + Key.VAULT_SECRET_ID.envName() + " or vault_secret_id_file)");
                }
            }
            default -> {
                // file and memory need nothing more
            }
        }
        if (fileKey.isPresent() && fileKeyFile.isPresent()) {
            throw new ConfigException(Key.FILE_KEY.fileName() + ": set either " + Key.FILE_KEY.envName() + " or "
                    + Key.FILE_KEY_FILE.fileName() + ", not both");
        }
    }

    private static URI baseUrl(ConfigSources s) {
        Optional<ConfigSources.Value> v = s.get(Key.BASE_URL);
        if (v.isEmpty()) {
            return GLOBAL;
        }
        String text = v.get().text().strip();
        switch (text.toLowerCase(Locale.ROOT)) {
            case "global":
                return GLOBAL;
            case "eu":
                return EU;
            default:
                URI uri = httpUri(Key.BASE_URL, v.get());
                if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                    throw new ConfigException(Key.BASE_URL.fileName() + ": must be a plain URL without user info, query or fragment (from "
                            + v.get().origin() + ")");
                }
                return uri;
        }
    }

    private static URI httpUri(Key key, ConfigSources.Value v) {
        try {
            URI uri = new URI(v.text().strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException(key.fileName() + ": '" + safe(v.text()) + "' is not an http(s) URL with a host (from "
                        + v.origin() + ")");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(key.fileName() + ": not a URL (from " + v.origin() + ")");
        }
    }

    private static Secret redisUrl(ConfigSources.Value v) {
        String text = v.text().strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(Key.REDIS_URL.fileName() + ": not a URI (from " + v.origin() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || uri.getHost() == null) {
            throw new ConfigException(Key.REDIS_URL.fileName() + ": must be redis://host:port or rediss://host:port (from "
                    + v.origin() + ")");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":") && !v.origin().startsWith("CNP_") && !v.origin().startsWith("--")) {
            throw new ConfigException(Key.REDIS_URL.fileName() + ": a password must not be written in the configuration file "
                    + v.origin() + "; set " + Key.REDIS_URL.envName() + " or use redis_password_file");
        }
        return new Secret(text, v.origin());
    }

    private static List<AccountId> accounts(ConfigSources s) {
        Optional<ConfigSources.Value> v = s.get(Key.ACCOUNTS);
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
                    throw new ConfigException(Key.ACCOUNTS.fileName() + ": account '" + name + "' is listed twice (from "
                            + v.get().origin() + ")");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(Key.ACCOUNTS.fileName() + ": " + e.getMessage() + " (from " + v.get().origin() + ")");
            }
        }
        return List.copyOf(ids);
    }

    private static EngineSettings engine(ConfigSources s, Duration callTimeout) {
        EngineSettings d = EngineSettings.defaults();
        Duration lease = duration(s, Key.LEASE_DURATION, max(d.leaseDuration(), callTimeout.multipliedBy(2)));
        try {
            return new EngineSettings(
                    duration(s, Key.REFRESH_MARGIN, d.refreshMargin()),
                    d.marginFraction(),
                    duration(s, Key.MAX_JITTER, d.maxJitter()),
                    d.jitterFraction(),
                    duration(s, Key.EXPIRY_SKEW, d.expirySkew()),
                    duration(s, Key.REFRESH_TOKEN_LIFETIME, d.refreshTokenLifetime()),
                    duration(s, Key.RELOGIN_MARGIN, d.reloginMargin()),
                    duration(s, Key.BACKOFF_BASE, d.backoffBase()),
                    duration(s, Key.BACKOFF_CAP, d.backoffCap()),
                    duration(s, Key.MAX_RETRY_AFTER, d.maxRetryAfter()),
                    lease,
                    d.leasePollInterval());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("engine settings: " + e.getMessage());
        }
    }

    private static InetSocketAddress listen(ConfigSources s) {
        Optional<ConfigSources.Value> v = s.get(Key.LISTEN);
        if (v.isEmpty()) {
            return new InetSocketAddress("127.0.0.1", 9464);
        }
        String text = v.get().text().strip();
        int colon = text.lastIndexOf(':');
        try {
            String host = colon <= 0 ? "0.0.0.0" : text.substring(0, colon);
            int port = Integer.parseInt(colon < 0 ? text : text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host.replace("[", "").replace("]", ""), port);
        } catch (NumberFormatException e) {
            throw new ConfigException(Key.LISTEN.fileName() + ": '" + safe(text) + "' is not host:port (from " + v.get().origin() + ")");
        }
    }

    /** Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 8h}, {@code 1d} or ISO-8601 ({@code PT5M}). */
    public static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    }

    private static Duration duration(ConfigSources s, Key key, Duration fallback) {
        Optional<ConfigSources.Value> v = s.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = parseDuration(v.get().text());
            if (d.isNegative()) {
                throw new DateTimeParseException("negative", v.get().text(), 0);
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key.fileName() + ": '" + safe(v.get().text()) + "' is not a duration such as 30s, 5m, 8h (from "
                    + v.get().origin() + ")");
        }
    }

    private static <E extends Enum<E>> E choice(ConfigSources s, Key key, Class<E> type, E fallback) {
        Optional<ConfigSources.Value> v = s.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        String text = v.get().text().strip().toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(text)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigException(key.fileName() + ": '" + safe(v.get().text()) + "' is not one of " + String.join(", ", names)
                + " (from " + v.get().origin() + ")");
    }

    private static boolean bool(ConfigSources s, Key key, boolean fallback) {
        Optional<ConfigSources.Value> v = s.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        String t = v.get().text().strip().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("yes") || t.equals("1")) {
            return true;
        }
        if (t.equals("false") || t.equals("no") || t.equals("0")) {
            return false;
        }
        throw new ConfigException(key.fileName() + ": '" + safe(t) + "' is not true or false (from " + v.get().origin() + ")");
    }

    private static int integer(ConfigSources s, Key key, int fallback, int min, int max) {
        Optional<ConfigSources.Value> v = s.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get().text().strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key.fileName() + ": '" + safe(v.get().text()) + "' is not a whole number from " + min + " to "
                    + max + " (from " + v.get().origin() + ")");
        }
    }

    private static Path path(String text) {
        String t = text.strip();
        if (t.equals("~") || t.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + t.substring(1));
        }
        return Path.of(t);
    }

    private static Path existingFile(Key key, ConfigSources.Value v) {
        Path p = path(v.text());
        if (!Files.isRegularFile(p)) {
            throw new ConfigException(key.fileName() + ": " + p + " does not exist or is not a file (from " + v.origin() + ")");
        }
        if (!Files.isReadable(p)) {
            throw new ConfigException(key.fileName() + ": " + p + " is not readable (from " + v.origin() + ")");
        }
        return p;
    }

    /** Reads a file that holds one secret (surrounding white space dropped). */
    static Secret readSecretFile(Key key, ConfigSources.Value v) {
        Path p = existingFile(key, v);
        try {
            String text = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new ConfigException(key.fileName() + ": " + p + " is empty (from " + v.origin() + ")");
            }
            return new Secret(text, p.toString());
        } catch (IOException e) {
            throw new ConfigException(key.fileName() + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String safe(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "AppConfig[baseUrl=" + baseUrl + ", transport=" + transport + ", store=" + store + ", accounts=" + accounts + "]";
    }
}
