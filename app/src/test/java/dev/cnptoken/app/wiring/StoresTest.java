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
}
