package dev.cnptoken.app.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Collects raw values from, in rising precedence: the configuration file, {@code CNP_*} environment
 * variables and command-line flags. Each value remembers where it came from, for error messages.
 */
public final class ConfigSources {
    /** A raw value and its origin, e.g. {@code CNP_STORE} or {@code /etc/cnp-token/config.yaml}. */
    public record Value(String text, String origin) {}

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
     * @throws ConfigException for an unreadable file, an unknown key, or a secret in the file
     */
    public static ConfigSources load(Map<String, String> env, Map<Key, String> flags, List<Path> searchPath) {
        Optional<Path> file = Optional.ofNullable(flags.get(Key.CONFIG)).map(Path::of)
                .or(() -> Optional.ofNullable(env.get(Key.CONFIG.envName())).filter(s -> !s.isBlank()).map(Path::of));
        if (file.isPresent() && !Files.isRegularFile(file.get())) {
            String origin = flags.containsKey(Key.CONFIG) ? "--config" : Key.CONFIG.envName();
            throw new ConfigException("config: file " + file.get() + " (from " + origin + ") does not exist or is not a file");
        }
        if (file.isEmpty()) {
            file = searchPath.stream().filter(Files::isRegularFile).findFirst();
        }
        ConfigSources sources = new ConfigSources(file, env);
        file.ifPresent(sources::readFile);
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

    private void readFile(Path path) {
        Map<String, Object> raw;
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            if (name.endsWith(".properties")) {
                Properties p = new Properties();
                p.load(reader);
                raw = new java.util.LinkedHashMap<>();
                for (String k : p.stringPropertyNames()) {
                    raw.put(k, p.getProperty(k));
                }
            } else {
                Object parsed = new ObjectMapper(new YAMLFactory()).readValue(reader, Object.class);
                if (parsed == null) {
                    raw = Map.of();
                } else if (parsed instanceof Map<?, ?> m) {
                    raw = new java.util.LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        raw.put(String.valueOf(e.getKey()), e.getValue());
                    }
                } else {
                    throw new ConfigException("config: " + path + " must hold a mapping of keys to values");
                }
            }
        } catch (IOException e) {
            // Jackson's messages quote the offending text; give the location only.
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? " at line " + j.getLocation().getLineNr() : "";
            throw new ConfigException("config: cannot read " + path + where + ": " + e.getClass().getSimpleName());
        }
        String origin = path.toString();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String k = e.getKey().strip().replace('-', '_').toLowerCase(java.util.Locale.ROOT);
            Key key = Key.fromFileName(k).orElseThrow(() -> new ConfigException("config: unknown key '" + e.getKey() + "' in "
                    + origin + "; known keys: " + java.util.Arrays.stream(Key.values()).filter(x -> x != Key.CONFIG)
                            .map(Key::fileName).collect(Collectors.joining(", "))));
            if (key == Key.CONFIG) {
                throw new ConfigException("config: key 'config' cannot be set inside a configuration file (" + origin + ")");
            }
            if (key.secret()) {
                throw new ConfigException(key.fileName() + ": a secret must not be written in the configuration file " + origin
                        + "; set " + key.envName() + " or use " + key.fileName() + "_file");
            }
            values.put(key, new Value(text(key, e.getValue(), origin), origin));
        }
    }

    private static String text(Key key, Object v, String origin) {
        if (v == null) {
            throw new ConfigException(key.fileName() + ": no value in " + origin);
        }
        if (v instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof Map || o instanceof List || o == null) {
                    throw new ConfigException(key.fileName() + ": list items must be plain values in " + origin);
                }
                parts.add(String.valueOf(o));
            }
            return String.join(",", parts);
        }
        if (v instanceof Map) {
            throw new ConfigException(key.fileName() + ": expected a plain value, found a mapping in " + origin);
        }
        return String.valueOf(v);
    }
}
