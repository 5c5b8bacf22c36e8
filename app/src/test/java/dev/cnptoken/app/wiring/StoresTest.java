package dev.cnptoken.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigSources;
import dev.cnptoken.domain.port.TokenStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    @TempDir
    Path dir;

    @Test
    void encryptsTheFileStoreWithTheKeyFromTheConfigurationNotTheProcessEnvironment() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String key = Base64.getEncoder().encodeToString(raw);
        // CNP_FILE_KEY is in the given environment only: the store must not look it up again in the process's.
        Map<String, String> env = Map.of("CNP_STORE", "file", "CNP_FILE_DIR", dir.resolve("store").toString(), "CNP_FILE_KEY", key);
        AppConfig config = AppConfig.from(ConfigSources.load(env, Map.of(), List.of()));

        TokenStore store = Stores.create(config, Clock.systemUTC());

        assertThat(store.toString()).contains("AES-256-GCM key id").doesNotContain(key);
    }

    @Test
    void encryptsTheRedisStoreWithTheKeyFromTheConfiguration() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String key = Base64.getEncoder().encodeToString(raw);
        // a standalone store connects at its first command, so no server is needed to build it
        Map<String, String> env = Map.of("CNP_STORE", "redis", "CNP_REDIS_URL", "redis://127.0.0.1:1",
                "CNP_REDIS_ENCRYPTION_KEY", key);
        AppConfig config = AppConfig.from(ConfigSources.load(env, Map.of(), List.of()));

        try (AutoCloseable store = (AutoCloseable) Stores.create(config, Clock.systemUTC())) {
            assertThat(store.toString()).contains("encryption=AES-256-GCM key id").doesNotContain(key);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void refusesARedisKeyOfTheWrongSizeAsAConfigurationError() {
        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        Map<String, String> env = Map.of("CNP_STORE", "redis", "CNP_REDIS_URL", "redis://127.0.0.1:1",
                "CNP_REDIS_ENCRYPTION_KEY", sixteen);
        AppConfig config = AppConfig.from(ConfigSources.load(env, Map.of(), List.of()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stores.create(config, Clock.systemUTC()))
                .isInstanceOfSatisfying(dev.cnptoken.domain.TokenException.class, e -> assertThat(e.failure())
                        .isInstanceOf(dev.cnptoken.domain.Failure.NotConfigured.class))
                .hasMessageContaining("CNP_REDIS_ENCRYPTION_KEY decodes to 16 bytes").hasMessageNotContaining(sixteen);
    }

    @Test
    void writesReaderFilesWithTheConfiguredDirectoryModeAndGroup() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(System.getProperty("user.name"))
                .as("only root can give a file to any group").isEqualTo("root");
        Path readers = dir.resolve("readers");
        Map<String, String> env = Map.of("CNP_STORE", "file", "CNP_FILE_DIR", dir.resolve("store").toString(),
                "CNP_FILE_READER_DIR", readers.toString(), "CNP_FILE_READER_MODE", "0644",
                "CNP_FILE_READER_GROUP", "nogroup");
        AppConfig config = AppConfig.from(ConfigSources.load(env, Map.of(), List.of()));
        TokenStore store = Stores.create(config, Clock.systemUTC());
        java.time.Instant t = java.time.Instant.parse("2026-03-01T10:15:30Z");
        dev.cnptoken.domain.TokenState state = new dev.cnptoken.domain.TokenState(
                new dev.cnptoken.domain.AccessToken("access-1"), "bearer", t.plusSeconds(3600),
                new dev.cnptoken.domain.RefreshToken("refresh-1"), t, t, java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty());

        store.compareAndSet(dev.cnptoken.domain.AccountId.of("acme"), TokenStore.ABSENT, state);

        Path file = readers.resolve("acme.access.json");
        assertThat(java.nio.file.Files.readString(file)).contains("access-1").doesNotContain("refresh-1");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
        assertThat(java.nio.file.Files.getAttribute(file, "unix:gid")).isEqualTo(65534);
    }
}
