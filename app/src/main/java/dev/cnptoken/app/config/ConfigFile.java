package dev.cnptoken.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Reads a configuration file (YAML, or {@code .properties}) into one raw text per key, refusing
 * what would be read as something other than what was written: a key set twice, a list or mapping
 * where one value is expected, YAML tags such as {@code !!binary}, anchors and aliases, more than
 * one document, unknown keys and secrets.
 */
final class ConfigFile {
    /** A configuration file is small; a bigger one is not a configuration file. */
    private static final int MAX_BYTES = 1 << 20;

    private static final String YAML_TAG = "tag:yaml.org,2002:";
    /** Explicit tags that still give a plain value. */
    private static final List<String> SCALAR_TAGS = List.of("str", "int", "float", "bool");

    private final Path path;
    private final String origin;
    private final Map<Key, ConfigSources.Value> values = new EnumMap<>(Key.class);
    /** The line each key was first set on (0 in a properties file, which does not tell). */
    private final Map<Key, Integer> firstSeen = new HashMap<>();

    private ConfigFile(Path path) {
        this.path = path;
        this.origin = path.toString();
    }

    /**
     * Reads {@code path}.
     *
     * @throws ConfigException naming the key and the file for the first problem
     */
    static Map<Key, ConfigSources.Value> read(Path path) {
        ConfigFile f = new ConfigFile(path);
        String text = f.text();
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".properties")) {
            f.readProperties(text);
        } else {
            f.readYaml(text);
        }
        return f.values;
    }

    private String text() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException("config: cannot read " + path + ": " + e.getClass().getSimpleName());
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException("config: " + path + " is larger than " + MAX_BYTES + " bytes");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private void readProperties(String text) {
        Properties p = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Object put(Object k, Object v) {
                if (containsKey(k)) {
                    throw new ConfigException(k + " (from " + origin + "): set twice");
                }
                return super.put(k, v);
            }
        };
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            // The message of a malformed \\u escape quotes the text: give the class only.
            throw new ConfigException("config: cannot read " + path + ": " + e.getClass().getSimpleName());
        }
        for (String name : p.stringPropertyNames()) {
            put(key(name), p.getProperty(name), 0);
        }
    }

    private void readYaml(String text) {
        try (YAMLParser parser = (YAMLParser) new YAMLFactory().createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException("config: " + path + " must hold a mapping of keys to values");
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                String name = parser.currentName();
                int line = parser.currentLocation().getLineNr();
                Key key = key(name);
                parser.nextToken();
                put(key, value(key, parser), line);
            }
            if (parser.nextToken() != null) {
                throw new ConfigException("config: " + path + " holds more than one YAML document");
            }
        } catch (JsonProcessingException e) {
            // Jackson's messages quote the offending text; give the location only.
            String where = e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : "";
            throw new ConfigException("config: cannot read " + path + where + ": " + e.getClass().getSimpleName());
        } catch (IOException e) {
            throw new ConfigException("config: cannot read " + path + ": " + e.getClass().getSimpleName());
        }
    }

    /** The value the parser is on, as text: a scalar, or for {@code accounts} a list of scalars. */
    private String value(Key key, YAMLParser parser) throws IOException {
        JsonToken t = parser.currentToken();
        if (t == JsonToken.START_ARRAY) {
            if (key != Key.ACCOUNTS) {
                throw problem(key, parser, "expected one value, found a list");
            }
            List<String> parts = new ArrayList<>();
            for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                if (item == JsonToken.START_ARRAY || item == JsonToken.START_OBJECT || item == JsonToken.VALUE_NULL) {
                    throw problem(key, parser, "list items must be plain values");
                }
                parts.add(scalar(key, parser));
            }
            return String.join(",", parts);
        }
        if (t == JsonToken.START_OBJECT) {
            throw problem(key, parser, "expected " + (key == Key.ACCOUNTS ? "a list or a comma-separated value" : "one value")
                    + ", found a mapping");
        }
        if (t == JsonToken.VALUE_NULL) {
            throw problem(key, parser, "no value");
        }
        return scalar(key, parser);
    }

    private String scalar(Key key, YAMLParser parser) throws IOException {
        String tag = parser.getTypeId();
        if (tag != null && !(tag.startsWith(YAML_TAG) && SCALAR_TAGS.contains(tag.substring(YAML_TAG.length())))) {
            String shown = tag.startsWith(YAML_TAG) ? "!!" + tag.substring(YAML_TAG.length()) : "!" + tag;
            throw problem(key, parser, "the YAML tag " + ValueParser.safe(shown) + " is not supported; write a plain value");
        }
        if (parser.isCurrentAlias()) {
            throw problem(key, parser, "YAML aliases (*name) are not supported; write the value");
        }
        JsonToken t = parser.currentToken();
        if (!t.isScalarValue() || t == JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw problem(key, parser, "expected a plain value");
        }
        return parser.getText();
    }

    private ConfigException problem(Key key, JsonParser parser, String what) {
        return ConfigException.of(key, origin + ", line " + parser.currentLocation().getLineNr(), what);
    }

    private Key key(String name) {
        String k = name.strip().replace('-', '_').toLowerCase(Locale.ROOT);
        Key key = Key.fromFileName(k).orElseThrow(() -> new ConfigException("config: unknown key '" + ValueParser.safe(name)
                + "' in " + origin + "; known keys: " + Arrays.stream(Key.values()).filter(x -> x != Key.CONFIG)
                        .map(Key::fileName).collect(Collectors.joining(", "))));
        if (key == Key.CONFIG) {
            throw new ConfigException("config: key 'config' cannot be set inside a configuration file (" + origin + ")");
        }
        if (key.secret()) {
            throw new ConfigException(key.fileName() + ": a secret must not be written in the configuration file " + origin
                    + "; set " + key.envName() + " or use " + key.fileName() + "_file");
        }
        return key;
    }

    private void put(Key key, String text, int line) {
        Integer before = firstSeen.putIfAbsent(key, line);
        if (before != null) {
            throw line == 0
                    ? ConfigException.of(key, origin, "set twice")
                    : ConfigException.of(key, origin + ", line " + line, "set twice (first at line " + before + ")");
        }
        values.put(key, new ConfigSources.Value(text, origin));
    }
}
