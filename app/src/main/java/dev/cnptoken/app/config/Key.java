package dev.cnptoken.app.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key. Each is spelt in lower snake case in the file and as {@code CNP_} plus
 * upper snake case in the environment. Secret keys are accepted from the environment only; the file
 * names a file holding the secret instead ({@code ..._file}).
 */
public enum Key {
    CONFIG("path of the configuration file", false),
    BASE_URL("FortiCNP base URL, or a preset: global, eu", false),
    TRANSPORT("HTTP transport: feign | retrofit", false),
    STORE("token store: file | redis | vault | memory", false),
    ACCOUNTS("the accounts to manage, comma-separated (a list in YAML)", false),
    CREDENTIAL("the API credential (environment only)", true),
    CREDENTIAL_FILE("file holding the API credential", false),
    CREDENTIAL_DIR("directory with one credential file per account, named after the account", false),
    FILE_DIR("file store: directory", false),
    FILE_KEY_FILE("file store: file holding the AES-256 key (base64) for encryption at rest", false),
    FILE_KEY("file store: the AES-256 key, base64 (environment only)", true),
    FILE_READER_FILES("file store: also write <account>.access.json reader files with the access token only (true/false)", false),
    FILE_READER_DIR("file store: directory of the reader files (default <file_dir>/readers; turns them on)", false),
    FILE_READER_MODE("file store: mode of the reader files, octal (default 0640)", false),
    FILE_READER_GROUP("file store: group of the reader files", false),
    REDIS_URL("Redis store: redis:// or rediss:// URI; put a password only in the environment", false),
    REDIS_PASSWORD_FILE("Redis store: file holding the password", false),
    REDIS_KEY_PREFIX("Redis store: key prefix", false),
    REDIS_ENCRYPTION_KEY_FILE("Redis store: file holding the AES-256 key (base64) that encrypts the refresh token and credential at rest", false),
    REDIS_ENCRYPTION_KEY("Redis store: the AES-256 key, base64 (environment only)", true),
    VAULT_ADDR("Vault store: address, e.g. https://vault:8200", false),
    VAULT_TOKEN("Vault store: a Vault token (environment only)", true),
    VAULT_TOKEN_FILE("Vault store: file holding a Vault token", false),
    VAULT_ROLE_ID("Vault store: AppRole role_id", false),
    VAULT_SECRET_ID("Vault store: AppRole secret_id (environment only)", true),
    VAULT_SECRET_ID_FILE("Vault store: file holding the AppRole secret_id", false),
    VAULT_MOUNT("Vault store: KV v2 mount", false),
    VAULT_PREFIX("Vault store: path prefix under the mount", false),
    VAULT_NAMESPACE("Vault store: Vault Enterprise namespace", false),
    VAULT_CA_FILE("Vault store: PEM file of the CA that signed Vault's certificate", false),
    CA_FILE("FortiCNP: PEM file of the CA certificates to trust instead of the JVM defaults (a TLS-inspecting proxy, a test server)", false),
    HTTP_PROXY("FortiCNP: HTTP proxy, http://host:port or http://user@host:port (never a password)", false),
    HTTP_PROXY_USER("FortiCNP: proxy user for Basic authentication (or the user in http_proxy)", false),
    HTTP_PROXY_PASSWORD("FortiCNP: proxy password (environment only)", true),
    HTTP_PROXY_PASSWORD_FILE("FortiCNP: file holding the proxy password", false),
    CONNECT_TIMEOUT("FortiCNP: connect timeout", false),
    READ_TIMEOUT("FortiCNP: read timeout", false),
    CALL_TIMEOUT("FortiCNP: deadline of one whole call (connect, send, wait, read the answer)", false),
    ALLOW_INSECURE_HTTP("FortiCNP: allow plain http:// to a non-loopback host (true/false)", false),
    REFRESH_MARGIN("refresh this long before the access token expires", false),
    MAX_JITTER("refresh up to this much earlier still, at random", false),
    EXPIRY_SKEW("treat tokens as expired this much early", false),
    REFRESH_TOKEN_LIFETIME("lifetime of a refresh token", false),
    RELOGIN_MARGIN("log in again this long before the refresh token runs out", false),
    BACKOFF_BASE("first retry delay after a failure", false),
    BACKOFF_CAP("longest retry delay", false),
    MAX_RETRY_AFTER("longest Retry-After honoured", false),
    LEASE_DURATION("how long a refresh lease holds", false),
    CONCURRENCY("rotate: accounts refreshed at once", false),
    MAX_WAIT("rotate and token: how long one run keeps retrying a transiently failing account", false),
    LISTEN("run: address of /healthz and /metrics, host:port", false),
    LOG_FORMAT("log format: text | json", false);

    private final String description;
    private final boolean secret;

    Key(String description, boolean secret) {
        this.description = description;
        this.secret = secret;
    }

    /** The spelling in a configuration file. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The environment variable. */
    public String envName() {
        return "CNP_" + name();
    }

    public String description() {
        return description;
    }

    /** Whether the value is a secret, accepted only from the environment. */
    public boolean secret() {
        return secret;
    }

    static Optional<Key> fromFileName(String name) {
        return Arrays.stream(values()).filter(k -> k.fileName().equals(name)).findFirst();
    }
}
