package dev.cnptoken.app.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The file store's settings: its directory and, for encryption at rest, its key (a file, or the key
 * itself read once from the environment).
 *
 * @param directory where the documents are
 * @param keyFile a file holding the base64 AES-256 key
 * @param key the base64 key itself; never with {@code keyFile}
 */
public record FileStoreConfig(Path directory, Optional<Path> keyFile, Optional<Secret> key) {
    public FileStoreConfig {
        Objects.requireNonNull(directory, "directory == null");
        Objects.requireNonNull(keyFile, "keyFile == null");
        Objects.requireNonNull(key, "key == null");
        if (keyFile.isPresent() && key.isPresent()) {
            throw new IllegalArgumentException("keyFile and key are both set");
        }
    }

    static FileStoreConfig from(ValueParser p) {
        Path dir = p.path(Key.FILE_DIR).orElse(Path.of(System.getProperty("user.home"), ".cnp-token", "store"));
        Optional<Path> keyFile = p.existingFile(Key.FILE_KEY_FILE);
        Optional<Secret> key = p.secret(Key.FILE_KEY);
        if (keyFile.isPresent() && key.isPresent()) {
            throw ConfigException.of(Key.FILE_KEY, key.get().origin(), "set either " + Key.FILE_KEY.envName() + " or "
                    + Key.FILE_KEY_FILE.fileName() + " (from " + p.origin(Key.FILE_KEY_FILE) + "), not both");
        }
        return new FileStoreConfig(dir, keyFile, key);
    }
}
