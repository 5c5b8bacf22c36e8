package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.TokenStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract against plain JSON files, with fsync on (the default). The outage is the store
 * directory disappearing (an unmounted volume, a deleted directory): every call must then fail as a
 * transient store failure, and a read must not mistake it for an absent account.
 */
class FileTokenStoreTest extends TokenStoreContract {
    @TempDir
    Path temp;

    private Path directory;

    @Override
    protected TokenStore newStore() {
        directory = temp.resolve("store");
        return FileTokenStore.builder().directory(directory).build();
    }

    @Override
    protected void makeUnavailable() throws Exception {
        Files.move(directory, temp.resolve("store-moved-away"));
    }
}
