package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import dev.cnptoken.testkit.TokenStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against AES-256-GCM encrypted files, with fsync off. */
class EncryptedFileTokenStoreTest extends TokenStoreContract {
    @TempDir
    Path temp;

    private Path directory;

    @Override
    protected TokenStore newStore() throws Exception {
        directory = temp.resolve("store");
        Path key = TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64());
        return FileTokenStore.builder().directory(directory).encryptionKeyFile(key).fsync(false).build();
    }

    @Override
    protected void makeUnavailable() throws Exception {
        Files.move(directory, temp.resolve("store-moved-away"));
    }

    @Test
    void keepsNoSecretInClearInTheFileBytes() throws Exception {
        AccountId account = AccountId.of("leak-check");
        TokenState state = fullState();
        written(store.compareAndSet(account, TokenStore.ABSENT, state));

        byte[] bytes = Files.readAllBytes(directory.resolve("leak-check.json"));
        String asLatin1 = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> secrets = new ArrayList<>();
        secrets.add(state.accessToken().value());
        secrets.add(state.refreshToken().value());
        secrets.add(state.credential().orElseThrow().value());
        for (String secret : secrets) {
            for (String needle : Sentinels.needles(secret)) {
                assertThat(asLatin1).doesNotContain(needle);
            }
        }
        // nothing of the document is in clear: not even the field names
        assertThat(asLatin1).doesNotContain("access_token", "bearer", "SENTINEL");
        assertThat(asLatin1).startsWith("CNPTOKEN");
    }
}
