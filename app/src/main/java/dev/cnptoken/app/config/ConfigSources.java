package dev.cnptoken.app.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Collects raw values from, in rising precedence: the configuration file, {@code CNP_*} environment
 * variables and command-line flags. Each value remembers where it came from, for error messages.
 * An empty environment variable counts as unset.
 */
public final class ConfigSources {
    /**
     * A raw value and its origin, e.g. {@code CNP_STORE} or {@code /etc/cnp-token/config.yaml}.
     * {@link #toString()} shows the origin only: the value may be a secret.
     */
    public record Value(String text, String origin) {
        public Value {
            Objects.requireNonNull(text, "text == null");
            Objects.requireNonNull(origin, "origin == null");
        }

        @Override
        public String toString() {
            return "Value[from " + origin + "]";
        }
    }

    private final Map<Key, Value> values = new EnumMap<>(Key.class);
    private final Optional<Path> file;
    private final Map<String, String> env;

    private ConfigSources(Optional<Path> file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /**
     * Reads the sources.
     *
     * @param env the environment
     * @param flags values given as flags (highest precedence)
     * @param searchPath where to look for a configuration file when neither a flag nor {@code
     *     CNP_CONFIG} names one; the first that exists is read
     * @throws ConfigException for an unreadable file, an unknown key, a key set twice, a value that is
     *     not plain text (a list, a mapping, a YAML tag or alias), or a secret in the file
     */
    public static ConfigSources load(Map<String, String> env, Map<Key, String> flags, List<Path> searchPath) {
        Objects.requireNonNull(env, "env == null");
        Objects.requireNonNull(flags, "flags == null");
        Objects.requireNonNull(searchPath, "searchPath == null");
        Optional<Value> named = Optional.ofNullable(flags.get(Key.CONFIG)).map(v -> new Value(v, "--config"))
                .or(() -> Optional.ofNullable(env.get(Key.CONFIG.envName())).filter(s -> !s.isEmpty())
                        .map(v -> new Value(v, Key.CONFIG.envName())));
        Optional<Path> file = named.map(v -> ValueParser.path(Key.CONFIG, v));
        if (file.isPresent() && !Files.isRegularFile(file.get())) {
            throw new ConfigException("config: file " + file.get() + " (from " + named.get().origin() + ") does not exist or is not a file");
        }
        if (file.isEmpty()) {
            file = searchPath.stream().filter(Files::isRegularFile).findFirst();
        }
        ConfigSources sources = new ConfigSources(file, env);
        file.ifPresent(f -> sources.values.putAll(ConfigFile.read(f)));
        for (Key key : Key.values()) {
            String v = env.get(key.envName());
            if (v != null && !v.isEmpty() && key != Key.CONFIG) {
                sources.values.put(key, new Value(v, key.envName()));
            }
        }
        flags.forEach((key, v) -> {
            if (key != Key.CONFIG) {
                sources.values.put(key, new Value(v, "--" + key.fileName().replace('_', '-')));
            }
        });
        return sources;
    }

    /** The configuration file read, if any. */
    public Optional<Path> file() {
        return file;
    }

    public Optional<Value> get(Key key) {
        return Optional.ofNullable(values.get(key));
    }

    /** An environment variable that is not one of the keys (per-account credentials). */
    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name)).filter(s -> !s.isEmpty());
    }
}
