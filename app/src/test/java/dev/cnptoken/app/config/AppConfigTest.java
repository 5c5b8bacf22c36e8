package dev.cnptoken.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.domain.AccountId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
}
