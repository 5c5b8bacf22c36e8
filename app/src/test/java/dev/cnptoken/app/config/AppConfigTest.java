package dev.cnptoken.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.SecretText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final Map<Key, String> flags = new EnumMap<>(Key.class);

    private AppConfig load() {
        return AppConfig.from(ConfigSources.load(env, flags, List.of(dir.resolve("none.yaml"))));
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void worksWithNoFileAndNoEnvironmentOnDefaults() {
        AppConfig c = load();

        assertThat(c.forticnp().baseUrl()).isEqualTo(HttpRefresherBuilder.GLOBAL_BASE_URL);
        assertThat(c.forticnp().transport()).isEqualTo(FortiCnpConfig.Transport.FEIGN);
        assertThat(c.store()).isEqualTo(AppConfig.StoreKind.FILE);
        assertThat(c.accounts()).isEmpty();
        assertThat(c.engine().settings().refreshTokenLifetime()).isEqualTo(Duration.ofHours(8));
        assertThat(c.sources().file()).isEmpty();
    }

    @Test
    void redisFromTheEnvironmentAloneNeedsNoFile() {
        env.put("CNP_BASE_URL", "eu");
        env.put("CNP_STORE", "redis");
        env.put("CNP_REDIS_URL", "redis://reader:s3cret@127.0.0.1:6379/0");

        AppConfig c = load();

        assertThat(c.forticnp().baseUrl()).isEqualTo(HttpRefresherBuilder.EU_BASE_URL);
        assertThat(c.store()).isEqualTo(AppConfig.StoreKind.REDIS);
        assertThat(c.redis().url()).hasValueSatisfying(s -> assertThat(s.value()).contains("s3cret"));
        assertThat(c.redis().url().orElseThrow().toString()).doesNotContain("s3cret");
    }

    @Test
    void readsYamlAndPropertiesFilesAndLayersEnvironmentAndFlagsOnTop() throws IOException {
        Path yaml = file("c.yaml", """
                base_url: https://forticnp.example.test
                transport: retrofit
                store: file
                file_dir: /var/lib/cnp
                accounts:
                  - acme
                  - globex
                refresh_margin: 2m
                concurrency: 8
                """);
        flags.put(Key.CONFIG, yaml.toString());
        env.put("CNP_TRANSPORT", "feign");
        flags.put(Key.STORE, "memory");

        AppConfig c = load();

        assertThat(c.forticnp().baseUrl()).hasToString("https://forticnp.example.test");
        assertThat(c.forticnp().transport()).isEqualTo(FortiCnpConfig.Transport.FEIGN);
        assertThat(c.store()).isEqualTo(AppConfig.StoreKind.MEMORY);
        assertThat(c.file().directory()).isEqualTo(Path.of("/var/lib/cnp"));
        assertThat(c.accounts()).containsExactly(AccountId.of("acme"), AccountId.of("globex"));
        assertThat(c.engine().settings().refreshMargin()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.concurrency()).isEqualTo(8);

        Path props = file("c.properties", "transport=retrofit\naccounts=a,b\n");
        flags.clear();
        env.clear();
        env.put("CNP_CONFIG", props.toString());
        assertThat(load().forticnp().transport()).isEqualTo(FortiCnpConfig.Transport.RETROFIT);
        assertThat(load().accounts()).hasSize(2);
    }

    @Test
    void maxWaitDefaultsToAMinuteAndIsBoundedToAnHour() {
        assertThat(load().maxWait()).isEqualTo(Duration.ofMinutes(1));
        env.put("CNP_MAX_WAIT", "0s");
        assertThat(load().maxWait()).isEqualTo(Duration.ZERO);
        env.put("CNP_MAX_WAIT", "2h");
        assertThat(refusal()).startsWith("max_wait (from CNP_MAX_WAIT)");
    }

    @Test
    void findsTheFirstFileOnTheSearchPath() throws IOException {
        Path second = file("second.yaml", "transport: retrofit\n");
        AppConfig c = AppConfig.from(ConfigSources.load(env, flags, List.of(dir.resolve("first.yaml"), second)));

        assertThat(c.sources().file()).contains(second);
        assertThat(c.forticnp().transport()).isEqualTo(FortiCnpConfig.Transport.RETROFIT);
    }

    @Test
    void refusesAnUnknownKeyNamingIt() throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", "transprot: feign\n").toString());

        assertThatThrownBy(this::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'transprot'").hasMessageContaining("c.yaml");
    }

    @Test
    void refusesBadValuesNamingTheKeyAndItsOrigin() {
        env.put("CNP_TRANSPORT", "grpc");
        assertThatThrownBy(this::load).hasMessageContaining("transport").hasMessageContaining("CNP_TRANSPORT")
                .hasMessageContaining("feign, retrofit");
        env.clear();
        env.put("CNP_REFRESH_MARGIN", "soon");
        assertThatThrownBy(this::load).hasMessageContaining("refresh_margin").hasMessageContaining("CNP_REFRESH_MARGIN");
        env.clear();
        env.put("CNP_BASE_URL", "ftp://x");
        assertThatThrownBy(this::load).hasMessageContaining("base_url");
        env.clear();
        env.put("CNP_ACCOUNTS", "ok,not ok");
        assertThatThrownBy(this::load).hasMessageContaining("accounts");
        env.clear();
        env.put("CNP_CONCURRENCY", "0");
        assertThatThrownBy(this::load).hasMessageContaining("concurrency");
        env.clear();
        env.put("CNP_RELOGIN_MARGIN", "9h");
        assertThatThrownBy(this::load).hasMessageContaining("relogin_margin");
    }

    @Test
    void refusesSecretsWrittenInTheFile() throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", "vault_token: hvs.SENTINELTOKEN\n").toString());
        assertThatThrownBy(this::load).hasMessageContaining("vault_token").hasMessageContaining("CNP_VAULT_TOKEN")
                .hasMessageNotContaining("SENTINELTOKEN");

        flags.put(Key.CONFIG, file("d.yaml", "store: redis\nredis_url: redis://u:SENTINELPASS@h:6379\n").toString());
        assertThatThrownBy(this::load).hasMessageContaining("redis_url").hasMessageNotContaining("SENTINELPASS");
    }

    @Test
    void requiresWhatTheChosenStoreNeeds() {
        env.put("CNP_STORE", "redis");
        assertThatThrownBy(this::load).hasMessageContaining("redis_url").hasMessageContaining("CNP_REDIS_URL");
        env.put("CNP_STORE", "vault");
        assertThatThrownBy(this::load).hasMessageContaining("vault_addr");
        env.put("CNP_VAULT_ADDR", "http://127.0.0.1:8200");
        assertThatThrownBy(this::load).hasMessageContaining("CNP_VAULT_TOKEN");
        env.put("CNP_VAULT_ROLE_ID", "role");
        env.put("CNP_VAULT_SECRET_ID", "secret");
        assertThat(load().vault().secretId()).isPresent();
    }

    @Test
    void readsSecretsFromFilesNamedInTheConfiguration() throws IOException {
        Path token = file("vault-token", "hvs.fromfile\n");
        flags.put(Key.CONFIG, file("c.yaml", "store: vault\nvault_addr: http://127.0.0.1:8200\nvault_token_file: " + token + "\n").toString());

        AppConfig c = load();

        assertThat(c.vault().token().orElseThrow().value()).isEqualTo("hvs.fromfile");
        assertThat(c.vault().token().orElseThrow().toString()).doesNotContain("hvs.fromfile");
    }

    @Test
    void namesAMissingConfigFile() {
        env.put("CNP_CONFIG", dir.resolve("missing.yaml").toString());
        assertThatThrownBy(this::load).hasMessageContaining("missing.yaml").hasMessageContaining("CNP_CONFIG");
    }

    private AppConfig loadYaml(String yaml) throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", yaml).toString());
        return load();
    }

    private String refusal() {
        try {
            load();
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("the configuration was accepted");
    }

    // 1. one part per concern

    @Test
    void composesOnePartPerConcern() throws IOException {
        Path ca = file("ca.pem", "not checked here\n");
        Path token = file("vault-token", "hvs.fromfile\n");
        AppConfig c = loadYaml("""
                base_url: eu
                transport: retrofit
                ca_file: %s
                http_proxy: http://proxy.example.test:3128
                connect_timeout: 5s
                read_timeout: 20s
                refresh_margin: 10m
                store: vault
                vault_addr: https://vault.example.test:8200
                vault_token_file: %s
                vault_mount: kv
                redis_key_prefix: p
                file_dir: /var/lib/cnp
                listen: 127.0.0.1:9999
                concurrency: 2
                """.formatted(ca, token));

        assertThat(c.forticnp()).isEqualTo(new FortiCnpConfig(HttpRefresherBuilder.EU_BASE_URL, FortiCnpConfig.Transport.RETROFIT,
                java.util.Optional.of(ca), java.util.Optional.of(java.net.URI.create("http://proxy.example.test:3128")),
                Duration.ofSeconds(5), Duration.ofSeconds(20), false));
        assertThat(c.forticnp().callTimeout()).as("the default call_timeout").isEqualTo(Duration.ofSeconds(30));
        assertThat(c.engine().settings().refreshMargin()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.engine().settings().leaseDuration()).as("2 x the call timeout, at least 30s").isEqualTo(Duration.ofSeconds(60));
        assertThat(c.vault().addr()).contains(java.net.URI.create("https://vault.example.test:8200"));
        assertThat(c.vault().mount()).isEqualTo("kv");
        assertThat(c.vault().token().orElseThrow().value()).isEqualTo("hvs.fromfile");
        assertThat(c.vault().toString()).doesNotContain("hvs.fromfile");
        assertThat(c.redis().keyPrefix()).isEqualTo("p");
        assertThat(c.file().directory()).isEqualTo(Path.of("/var/lib/cnp"));
        assertThat(c.daemon().listen().getPort()).isEqualTo(9999);
        assertThat(c.concurrency()).isEqualTo(2);
        assertThat(c.store()).isEqualTo(AppConfig.StoreKind.VAULT);
    }

    // 2. credential paths like every other path; the file store key read once

    @Test
    void expandsTheHomeDirectoryInCredentialPathsLikeInEveryOtherPath() {
        env.put("CNP_CREDENTIAL_FILE", "~/secrets/forticnp");
        env.put("CNP_CREDENTIAL_DIR", "~/secrets/accounts");
        env.put("CNP_FILE_DIR", "~/store");

        AppConfig c = load();

        Path home = Path.of(System.getProperty("user.home"));
        assertThat(c.credentials().file()).contains(home.resolve("secrets/forticnp"));
        assertThat(c.credentials().directory()).contains(home.resolve("secrets/accounts"));
        assertThat(c.file().directory()).isEqualTo(home.resolve("store"));
    }

    @Test
    void readsTheFileStoreKeyAndTheSharedCredentialOnceFromTheGivenEnvironment() {
        env.put("CNP_FILE_KEY", "SENTINELKEY0000000000000000000000000000000=\n");
        env.put("CNP_CREDENTIAL", " SENTINELCREDENTIAL ");

        AppConfig c = load();

        assertThat(c.file().key().orElseThrow().value()).isEqualTo("SENTINELKEY0000000000000000000000000000000=");
        assertThat(c.file().key().orElseThrow().origin()).isEqualTo("CNP_FILE_KEY");
        assertThat(c.credentials().shared().orElseThrow().value()).isEqualTo("SENTINELCREDENTIAL");
        assertThat(c.file() + " " + c.credentials()).doesNotContain("SENTINEL");
    }

    @Test
    void refusesBothAFileStoreKeyAndAKeyFile() throws IOException {
        env.put("CNP_FILE_KEY", "SENTINELKEY");
        env.put("CNP_FILE_KEY_FILE", file("key", "k\n").toString());

        assertThat(refusal()).startsWith("file_key (from CNP_FILE_KEY): set either CNP_FILE_KEY or file_key_file (from CNP_FILE_KEY_FILE)")
                .doesNotContain("SENTINELKEY");
    }

    @Test
    void readsTheRedisEncryptionKeyOnceFromTheGivenEnvironmentOrNamesItsFile() throws IOException {
        env.put("CNP_REDIS_ENCRYPTION_KEY", "SENTINELKEY0000000000000000000000000000000=\n");

        AppConfig c = load();

        assertThat(c.redis().encryptionKey().orElseThrow().value()).isEqualTo("SENTINELKEY0000000000000000000000000000000=");
        assertThat(c.redis().encryptionKey().orElseThrow().origin()).isEqualTo("CNP_REDIS_ENCRYPTION_KEY");
        assertThat(c.redis().toString()).doesNotContain("SENTINEL");

        env.remove("CNP_REDIS_ENCRYPTION_KEY");
        Path key = file("redis-key", "k\n");
        flags.put(Key.CONFIG, file("c.yaml", "redis_encryption_key_file: " + key + "\n").toString());
        assertThat(load().redis().encryptionKeyFile()).contains(key);
    }

    @Test
    void refusesBothARedisEncryptionKeyAndAKeyFileAndAKeyWrittenInTheFile() throws IOException {
        env.put("CNP_REDIS_ENCRYPTION_KEY", "SENTINELKEY");
        env.put("CNP_REDIS_ENCRYPTION_KEY_FILE", file("key", "k\n").toString());

        assertThat(refusal()).startsWith("redis_encryption_key (from CNP_REDIS_ENCRYPTION_KEY): set either"
                + " CNP_REDIS_ENCRYPTION_KEY or redis_encryption_key_file (from CNP_REDIS_ENCRYPTION_KEY_FILE)")
                .doesNotContain("SENTINELKEY");

        env.clear();
        flags.put(Key.CONFIG, file("c.yaml", "redis_encryption_key: SENTINELKEY\n").toString());
        assertThat(refusal()).contains("redis_encryption_key: a secret must not be written in the configuration file",
                "set CNP_REDIS_ENCRYPTION_KEY or use redis_encryption_key_file").doesNotContain("SENTINELKEY");
    }

    // 4. every error names the key and where its value came from

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "refresh_margin|-5m|must be positive, got -5m",
        "refresh_margin|0s|must be positive, got 0s",
        "max_jitter|-1s|must not be negative, got -1s",
        "expiry_skew|PT-10S|must not be negative, got PT-10S",
        "refresh_token_lifetime|0h|must be positive, got 0h",
        "relogin_margin|-30m|must be positive, got -30m",
        "backoff_base|0ms|must be positive, got 0ms",
        "backoff_cap|-5m|must be positive, got -5m",
        "max_retry_after|-1h|must not be negative, got -1h",
        "lease_duration|0s|must be positive, got 0s",
        "connect_timeout|0s|must be positive, got 0s",
        "read_timeout|-30s|must be positive, got -30s",
        "concurrency|-1|'-1' is not a whole number from 1 to 256",
        "allow_insecure_http|maybe|'maybe' is not true or false",
        "listen|nowhere:port|'nowhere:port' is not host:port",
    })
    void namesTheKeyAndTheEnvironmentVariableOfABadValue(String key, String value, String problem) {
        String variable = "CNP_" + key.toUpperCase(java.util.Locale.ROOT);
        env.put(variable, value);

        assertThat(refusal()).isEqualTo(key + " (from " + variable + "): " + problem);
    }

    @Test
    void namesTheFileOrTheFlagAValueCameFrom() throws IOException {
        Path yaml = file("c.yaml", "read_timeout: -5m\n");
        flags.put(Key.CONFIG, yaml.toString());
        assertThat(refusal()).isEqualTo("read_timeout (from " + yaml + "): must be positive, got -5m");

        flags.clear();
        flags.put(Key.TRANSPORT, "grpc");
        assertThat(refusal()).isEqualTo("transport (from --transport): 'grpc' is not one of feign, retrofit");
    }

    // 5. settings that would make every token unusable

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "expiry_skew|6m|must be at most 5m, got 6m",
        "refresh_margin|61m|must be at most 1h, got 61m",
        "refresh_token_lifetime|2d|must be at most 1d, got 2d",
        "refresh_token_lifetime|30s|must be at least 1m, got 30s",
        "backoff_cap|2h|must be at most 1h, got 2h",
        "max_retry_after|25h|must be at most 1d, got 25h",
        "lease_duration|11m|must be at most 10m, got 11m",
        "connect_timeout|3m|must be at most 2m, got 3m",
        "read_timeout|121s|must be at most 2m, got 121s",
    })
    void refusesAValueBeyondItsBoundNamingTheBound(String key, String value, String problem) {
        String variable = "CNP_" + key.toUpperCase(java.util.Locale.ROOT);
        env.put(variable, value);

        assertThat(refusal()).isEqualTo(key + " (from " + variable + "): " + problem);
    }

    @Test
    void acceptsEachBoundItself() {
        env.put("CNP_EXPIRY_SKEW", "5m");
        env.put("CNP_REFRESH_MARGIN", "1h");
        env.put("CNP_MAX_JITTER", "1h");
        env.put("CNP_REFRESH_TOKEN_LIFETIME", "1d");
        env.put("CNP_BACKOFF_BASE", "1h");
        env.put("CNP_BACKOFF_CAP", "1h");
        env.put("CNP_MAX_RETRY_AFTER", "1d");
        env.put("CNP_LEASE_DURATION", "10m");
        env.put("CNP_CONNECT_TIMEOUT", "2m");
        env.put("CNP_READ_TIMEOUT", "2m");

        AppConfig c = load();

        assertThat(c.engine().settings().expirySkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.engine().settings().leaseDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.forticnp().readTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void refusesAJitterLongerThanTheRefreshMarginNamingBoth() {
        env.put("CNP_REFRESH_MARGIN", "2m");
        env.put("CNP_MAX_JITTER", "3m");

        assertThat(refusal()).isEqualTo("max_jitter (from CNP_MAX_JITTER): must be at most refresh_margin (2m, from CNP_REFRESH_MARGIN), got 3m");
    }

    @Test
    void shrinksTheDefaultJitterAndBackoffBaseToFitASmallerMarginAndCap() {
        env.put("CNP_REFRESH_MARGIN", "30s");
        env.put("CNP_BACKOFF_CAP", "500ms");

        AppConfig c = load();

        assertThat(c.engine().settings().maxJitter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.engine().settings().backoffBase()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesAReloginMarginNotShorterThanTheRefreshTokenLifetimeNamingBoth() {
        env.put("CNP_RELOGIN_MARGIN", "8h");
        assertThat(refusal()).isEqualTo("relogin_margin (from CNP_RELOGIN_MARGIN): must be shorter than refresh_token_lifetime"
                + " (8h, from default), got 8h");

        env.clear();
        env.put("CNP_REFRESH_TOKEN_LIFETIME", "20m");
        assertThat(refusal()).isEqualTo("relogin_margin (from default): must be shorter than refresh_token_lifetime"
                + " (20m, from CNP_REFRESH_TOKEN_LIFETIME), got 30m");
    }

    @Test
    void refusesABackoffBaseLongerThanTheCapNamingBoth() {
        env.put("CNP_BACKOFF_BASE", "10m");

        assertThat(refusal()).isEqualTo("backoff_base (from CNP_BACKOFF_BASE): must be at most backoff_cap (5m, from default), got 10m");
    }

    @Test
    void refusesALeaseThatDoesNotOutlastOneCall() {
        env.put("CNP_CALL_TIMEOUT", "40s");
        env.put("CNP_LEASE_DURATION", "40s");
        assertThat(refusal()).isEqualTo("lease_duration (from CNP_LEASE_DURATION): must outlast one FortiCNP call: longer than"
                + " call_timeout (40s, from CNP_CALL_TIMEOUT), got 40s");

        env.put("CNP_LEASE_DURATION", "41s");
        assertThat(load().engine().settings().leaseDuration()).isEqualTo(Duration.ofSeconds(41));
    }

    @Test
    void derivesTheLeaseFromTheCallTimeoutNotFromConnectAndReadTimeouts() {
        env.put("CNP_CONNECT_TIMEOUT", "2m");
        env.put("CNP_READ_TIMEOUT", "2m");
        env.put("CNP_CALL_TIMEOUT", "45s");

        AppConfig c = load();

        assertThat(c.forticnp().callTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.engine().settings().leaseDuration()).as("2 x call_timeout").isEqualTo(Duration.ofSeconds(90));
        env.put("CNP_CALL_TIMEOUT", "3m");
        assertThat(refusal()).isEqualTo("call_timeout (from CNP_CALL_TIMEOUT): must be at most 2m, got 3m");
        env.put("CNP_CALL_TIMEOUT", "0s");
        assertThat(refusal()).isEqualTo("call_timeout (from CNP_CALL_TIMEOUT): must be positive, got 0s");
    }

    @Test
    void refusesPlainHttpToANonLoopbackHostNamingTheBaseUrlKey() {
        env.put("CNP_BASE_URL", "http://forticnp.example.test");
        assertThat(refusal()).startsWith("base_url (from CNP_BASE_URL): plain http:// to forticnp.example.test")
                .contains("allow_insecure_http");

        env.put("CNP_ALLOW_INSECURE_HTTP", "true");
        assertThat(load().forticnp().allowInsecureHttp()).isTrue();
        env.remove("CNP_ALLOW_INSECURE_HTTP");
        env.put("CNP_BASE_URL", "http://127.0.0.1:8080");
        assertThat(load().forticnp().baseUrl()).hasToString("http://127.0.0.1:8080");
        env.put("CNP_BASE_URL", "http://[::1]:8080");
        assertThat(load().forticnp().baseUrl().getHost()).isEqualTo("[::1]");
        env.put("CNP_BASE_URL", "http://localhost:8080");
        assertThat(load().forticnp().baseUrl().getHost()).isEqualTo("localhost");
    }

    @Test
    void refusesAProxyPasswordInTheUrlNamingTheKeyWithoutShowingIt() {
        env.put("CNP_HTTP_PROXY", "http://user:SENTINELPASS@proxy.example.test:3128");

        assertThat(refusal()).startsWith("http_proxy (from CNP_HTTP_PROXY): must not contain a password")
                .contains("CNP_HTTP_PROXY_PASSWORD", "http_proxy_password_file").doesNotContain("SENTINELPASS");
    }

    @Test
    void refusesAProxyPasswordInTheUrlOfTheConfigurationFile() throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", "http_proxy: http://puser:SENTINELPASS@proxy.example.test:3128\n").toString());

        assertThat(refusal()).startsWith("http_proxy (from ").contains("must not contain a password")
                .doesNotContain("SENTINELPASS", "puser");
    }

    @Test
    void takesTheProxyUserFromTheUrlAndThePasswordFromTheEnvironment() {
        env.put("CNP_HTTP_PROXY", "http://puser@proxy.example.test:3128");
        env.put("CNP_HTTP_PROXY_PASSWORD", "SENTINELPASS");

        FortiCnpConfig c = load().forticnp();

        assertThat(c.httpProxy()).contains(java.net.URI.create("http://proxy.example.test:3128"));
        assertThat(c.proxyUser()).contains("puser");
        assertThat(c.proxyPassword().orElseThrow().value()).isEqualTo("SENTINELPASS");
        assertThat(c.toString()).contains("basic authentication").doesNotContain("SENTINELPASS", "puser");
    }

    @Test
    void takesTheProxyUserFromItsKeyAndThePasswordFromAFile() throws IOException {
        Path password = file("proxy-password", "SENTINELPASS\n");
        env.put("CNP_HTTP_PROXY", "http://proxy.example.test:3128");
        env.put("CNP_HTTP_PROXY_USER", "puser");
        env.put("CNP_HTTP_PROXY_PASSWORD_FILE", password.toString());

        FortiCnpConfig c = load().forticnp();

        assertThat(c.proxyUser()).contains("puser");
        assertThat(c.proxyPassword().orElseThrow().value()).isEqualTo("SENTINELPASS");
    }

    @Test
    void refusesHalfOfTheProxyCredentials() {
        env.put("CNP_HTTP_PROXY", "http://puser@proxy.example.test:3128");
        assertThat(refusal()).isEqualTo("http_proxy (from CNP_HTTP_PROXY): a proxy user needs a password:"
                + " set CNP_HTTP_PROXY_PASSWORD or http_proxy_password_file");

        env.put("CNP_HTTP_PROXY", "http://proxy.example.test:3128");
        env.put("CNP_HTTP_PROXY_PASSWORD", "SENTINELPASS");
        assertThat(refusal()).startsWith("http_proxy_password (from CNP_HTTP_PROXY_PASSWORD): a proxy password needs a proxy user")
                .doesNotContain("SENTINELPASS");

        env.remove("CNP_HTTP_PROXY");
        assertThat(refusal()).isEqualTo("http_proxy_password (from CNP_HTTP_PROXY_PASSWORD): a proxy password needs http_proxy");
    }

    @Test
    void refusesAProxyPasswordWrittenInTheConfigurationFile() throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", "http_proxy_password: SENTINELPASS\n").toString());

        assertThat(refusal()).startsWith("http_proxy_password: a secret must not be written in the configuration file")
                .doesNotContain("SENTINELPASS");
    }

    @Test
    void neverQuotesTheUserInfoOfAUrlItCannotUse() {
        for (String bad : new String[] {"socks5://puser:ProxyPass123@proxy.example.test:1080",
                "http://puser:ProxyPass123@proxy_host:3128", "ftp://puser:ProxyPass123@h/x"}) {
            env.put("CNP_HTTP_PROXY", bad);
            assertThat(refusal()).as(bad).startsWith("http_proxy (from CNP_HTTP_PROXY): ")
                    .doesNotContain("ProxyPass123", "puser");
        }
        env.remove("CNP_HTTP_PROXY");
        env.put("CNP_BASE_URL", "socks5://buser:BasePass123@forticnp.example.test");
        assertThat(refusal()).startsWith("base_url (from CNP_BASE_URL): ").doesNotContain("BasePass123", "buser");
    }

    // 6. YAML that would be read as something other than what was written

    @Test
    void refusesAKeySetTwiceInYamlNamingTheKeyTheFileAndBothLines() throws IOException {
        Path yaml = file("c.yaml", "store: file\ntransport: feign\nstore: memory\n");
        flags.put(Key.CONFIG, yaml.toString());

        assertThat(refusal()).isEqualTo("store (from " + yaml + ", line 3): set twice (first at line 1)");
    }

    @Test
    void refusesAKeySetTwiceUnderTwoSpellings() throws IOException {
        Path yaml = file("c.yaml", "file_dir: /a\nfile-dir: /b\n");
        flags.put(Key.CONFIG, yaml.toString());

        assertThat(refusal()).isEqualTo("file_dir (from " + yaml + ", line 2): set twice (first at line 1)");
    }

    @Test
    void refusesAKeySetTwiceInAPropertiesFile() throws IOException {
        Path props = file("c.properties", "transport=feign\ntransport=retrofit\n");
        flags.put(Key.CONFIG, props.toString());

        assertThat(refusal()).isEqualTo("transport (from " + props + "): set twice");
    }

    @Test
    void refusesABinaryValueInsteadOfPrintingAnArrayReference() throws IOException {
        Path yaml = file("c.yaml", "store: !!binary aGVsbG8=\n");
        flags.put(Key.CONFIG, yaml.toString());

        assertThat(refusal()).isEqualTo("store (from " + yaml + ", line 1): the YAML tag !!binary is not supported; write a plain value")
                .doesNotContain("[B@");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "store: !custom file|the YAML tag !custom is not supported",
        "store: [file]|expected one value, found a list",
        "store: {kind: file}|expected one value, found a mapping",
        "accounts: {acme: 1}|expected a list or a comma-separated value, found a mapping",
        "accounts: [acme, [globex]]|list items must be plain values",
        "accounts: [acme, {globex: 1}]|list items must be plain values",
        "store:|no value",
    })
    void refusesAValueThatIsNotPlainNamingTheKeyAndTheFile(String yaml, String problem) throws IOException {
        Path file = file("c.yaml", yaml + "\n");
        flags.put(Key.CONFIG, file.toString());

        String key = yaml.substring(0, yaml.indexOf(':'));
        assertThat(refusal()).startsWith(key + " (from " + file + ", line 1): " + problem);
    }

    @Test
    void refusesAnAliasThatWouldBeReadAsItsAnchorName() throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", "transport: &t feign\nstore: *t\n").toString());

        assertThat(refusal()).startsWith("store (from ").contains("aliases");
    }

    @Test
    void refusesASecondYamlDocument() throws IOException {
        flags.put(Key.CONFIG, file("c.yaml", "store: file\n---\nstore: memory\n").toString());

        assertThat(refusal()).contains("c.yaml").contains("more than one YAML document");
    }

    @Test
    void acceptsStandardScalarTagsAndAByteOrderMark() throws IOException {
        AppConfig c = loadYaml("\uFEFFstore: !!str memory\nconcurrency: !!int 3\n");

        assertThat(c.store()).isEqualTo(AppConfig.StoreKind.MEMORY);
        assertThat(c.concurrency()).isEqualTo(3);
    }

    @Test
    void showsWhereARawValueCameFromButNeverTheValue() {
        assertThat(new ConfigSources.Value("SENTINELTOKEN", "CNP_VAULT_TOKEN").toString()).isEqualTo("Value[from CNP_VAULT_TOKEN]");
    }

    // 7. byte order marks, white space and blank paths

    @Test
    void readsASecretFileWithoutItsByteOrderMarkAndWhiteSpace() throws IOException {
        Path token = dir.resolve("vault-token");
        Files.write(token, ("\uFEFF  hvs.fromfile \r\n").getBytes(StandardCharsets.UTF_8));
        env.put("CNP_STORE", "vault");
        env.put("CNP_VAULT_ADDR", "http://127.0.0.1:8200");
        env.put("CNP_VAULT_TOKEN_FILE", token.toString());

        assertThat(load().vault().token().orElseThrow().value()).isEqualTo("hvs.fromfile");
    }

    @Test
    void refusesAnOversizedOrEmptySecretFile() throws IOException {
        Path big = file("big", "x".repeat(SecretText.MAX_BYTES + 1));
        env.put("CNP_REDIS_PASSWORD_FILE", big.toString());
        assertThat(refusal()).isEqualTo("redis_password_file (from CNP_REDIS_PASSWORD_FILE): " + big + " holds more than "
                + SecretText.MAX_BYTES + " bytes; it must hold one secret");

        Path empty = file("empty", "\uFEFF \n");
        env.put("CNP_REDIS_PASSWORD_FILE", empty.toString());
        assertThat(refusal()).isEqualTo("redis_password_file (from CNP_REDIS_PASSWORD_FILE): " + empty + " is empty");
    }

    @Test
    void refusesAPasswordFileGroupOrOthersCanWriteNamingItsModeAndTheFix() throws IOException {
        Path password = file("password", "SENTINEL-password");
        java.nio.file.Files.setPosixFilePermissions(password,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        env.put("CNP_REDIS_PASSWORD_FILE", password.toString());

        assertThat(refusal()).startsWith("redis_password_file (from CNP_REDIS_PASSWORD_FILE): ")
                .contains(password.toString(), "0666", "chmod 600", "defaultMode: 0400").doesNotContain("SENTINEL");
    }

    @Test
    void readsAPasswordFileOthersCanReadAsKubernetesMountsIt() throws IOException {
        Path password = file("password", "from-a-0644-file");
        java.nio.file.Files.setPosixFilePermissions(password,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        env.put("CNP_REDIS_PASSWORD_FILE", password.toString());

        assertThat(load().redis().password().orElseThrow().value()).isEqualTo("from-a-0644-file");
    }

    @Test
    void turnsReaderFilesOnInASubdirectoryOfTheStoreWithMode0640ByDefault() throws IOException {
        env.put("CNP_FILE_DIR", "/var/lib/cnp");
        assertThat(load().file().readers()).isEmpty();

        env.put("CNP_FILE_READER_FILES", "true");
        FileStoreConfig.Readers readers = load().file().readers().orElseThrow();
        assertThat(readers.directory()).isEqualTo(Path.of("/var/lib/cnp/readers"));
        assertThat(readers.mode()).isEqualTo("0640");
        assertThat(readers.group()).isEmpty();

        env.remove("CNP_FILE_READER_FILES");
        env.put("CNP_FILE_READER_DIR", "/run/cnp-readers");
        env.put("CNP_FILE_READER_MODE", "0644");
        env.put("CNP_FILE_READER_GROUP", "cnp-readers");
        readers = load().file().readers().orElseThrow();
        assertThat(readers.directory()).isEqualTo(Path.of("/run/cnp-readers"));
        assertThat(readers.mode()).isEqualTo("0644");
        assertThat(readers.group()).contains("cnp-readers");
    }

    @Test
    void refusesAReaderModeOthersCouldWriteOrReaderSettingsWithoutReaderFiles() {
        env.put("CNP_FILE_READER_FILES", "true");
        env.put("CNP_FILE_READER_MODE", "0666");
        assertThat(refusal()).startsWith("file_reader_mode (from CNP_FILE_READER_MODE): ").contains("0666");

        env.put("CNP_FILE_READER_FILES", "false");
        env.put("CNP_FILE_READER_MODE", "0640");
        assertThat(refusal()).startsWith("file_reader_mode (from CNP_FILE_READER_MODE): ")
                .contains("file_reader_files");
    }

    @Test
    void refusesABlankFileDirInYamlInsteadOfUsingTheCurrentDirectory() throws IOException {
        Path yaml = file("c.yaml", "file_dir: \"\"\n");
        flags.put(Key.CONFIG, yaml.toString());

        assertThat(refusal()).isEqualTo("file_dir (from " + yaml + "): is blank; name a path, or leave the key out for the default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CNP_FILE_DIR", "CNP_FILE_KEY_FILE", "CNP_CREDENTIAL_FILE", "CNP_CREDENTIAL_DIR", "CNP_CA_FILE",
        "CNP_VAULT_CA_FILE", "CNP_VAULT_TOKEN_FILE", "CNP_VAULT_SECRET_ID_FILE", "CNP_REDIS_PASSWORD_FILE",
        "CNP_REDIS_ENCRYPTION_KEY_FILE"})
    void refusesABlankPathFromTheEnvironment(String variable) {
        env.put(variable, " ");

        assertThat(refusal()).isEqualTo(variable.substring(4).toLowerCase(java.util.Locale.ROOT) + " (from " + variable
                + "): is blank; name a path, or leave the key out for the default");
    }

    @Test
    void refusesABlankConfigFileNameButTakesAnEmptyVariableAsUnset() {
        env.put("CNP_CONFIG", "");
        assertThat(load().sources().file()).isEmpty();

        env.put("CNP_CONFIG", "  ");
        assertThat(refusal()).startsWith("config (from CNP_CONFIG): is blank");
    }
}
