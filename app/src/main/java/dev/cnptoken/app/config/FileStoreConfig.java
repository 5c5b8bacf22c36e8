package dev.cnptoken.app.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The file store's settings: its directory, for encryption at rest its key (a file, or the key
 * itself read once from the environment), and the optional reader files.
 *
 * @param directory where the documents are
 * @param keyFile a file holding the base64 AES-256 key
 * @param key the base64 key itself; never with {@code keyFile}
 * @param readers where and how to write the reader files (access side only); empty: none
 */
public record FileStoreConfig(Path directory, Optional<Path> keyFile, Optional<Secret> key, Optional<Readers> readers) {
    /** The reader files' directory when {@code file_reader_files} is on and {@code file_reader_dir} unset. */
    static final String DEFAULT_READER_SUBDIRECTORY = "readers";

    /** The reader files' mode unless {@code file_reader_mode} says otherwise. */
    static final String DEFAULT_READER_MODE = "0640";

    public FileStoreConfig {
        Objects.requireNonNull(directory, "directory == null");
        Objects.requireNonNull(keyFile, "keyFile == null");
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(readers, "readers == null");
        if (keyFile.isPresent() && key.isPresent()) {
            throw new IllegalArgumentException("keyFile and key are both set");
        }
    }

    /**
     * The reader files: {@code <directory>/<account>.access.json}, the access side of each account.
     *
     * @param directory their directory (never the store's)
     * @param mode their mode in octal, e.g. {@code 0640}
     * @param group their group's name; empty: the group new files get
     */
    public record Readers(Path directory, String mode, Optional<String> group) {
        public Readers {
            Objects.requireNonNull(directory, "directory == null");
            Objects.requireNonNull(mode, "mode == null");
            Objects.requireNonNull(group, "group == null");
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
        return new FileStoreConfig(dir, keyFile, key, readers(p, dir));
    }

    private static Optional<Readers> readers(ValueParser p, Path storeDirectory) {
        Optional<Path> readerDir = p.path(Key.FILE_READER_DIR);
        boolean on = p.bool(Key.FILE_READER_FILES, readerDir.isPresent());
        Optional<String> mode = p.text(Key.FILE_READER_MODE);
        Optional<String> group = p.text(Key.FILE_READER_GROUP);
        if (!on) {
            for (Key k : new Key[] {Key.FILE_READER_DIR, Key.FILE_READER_MODE, Key.FILE_READER_GROUP}) {
                if (p.raw(k).isPresent()) {
                    throw ConfigException.of(k, p.origin(k), "needs " + Key.FILE_READER_FILES.fileName()
                            + ": true (it is false from " + p.origin(Key.FILE_READER_FILES) + ")");
                }
            }
            return Optional.empty();
        }
        String m = mode.orElse(DEFAULT_READER_MODE);
        if (!readerModeIsSafe(m)) {
            throw ConfigException.of(Key.FILE_READER_MODE, p.origin(Key.FILE_READER_MODE), "'" + ValueParser.safe(m)
                    + "' is not a reader file mode: three octal digits such as 0640 or 0644, readable by the owner,"
                    + " with no execute bit and nothing group or others can write");
        }
        Path dir = readerDir.orElse(storeDirectory.resolve(DEFAULT_READER_SUBDIRECTORY));
        if (dir.toAbsolutePath().normalize().equals(storeDirectory.toAbsolutePath().normalize())) {
            throw ConfigException.of(Key.FILE_READER_DIR, p.origin(Key.FILE_READER_DIR), "must not be the store's"
                    + " directory " + storeDirectory + ": its files hold the refresh token");
        }
        return Optional.of(new Readers(dir, m.length() == 3 ? "0" + m : m, group));
    }

    /** Three or four octal digits; owner can read; no execute bit; group and others cannot write. */
    private static boolean readerModeIsSafe(String mode) {
        if (!mode.matches("0?[0-7]{3}")) {
            return false;
        }
        int bits = Integer.parseInt(mode, 8);
        return (bits & 0400) != 0 && (bits & 0133) == 0;
    }
}
